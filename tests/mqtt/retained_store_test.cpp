// RetainedStore: last message per topic, empty payload clears, lookup by filter.
#include "sim/mqtt/retained_store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mqttbed::mqtt {
namespace {

Message retained(const std::string& topic, const std::string& payload, std::uint8_t qos = 1) {
  return Message{topic, payload, qos, true};
}

std::vector<std::string> topics(const std::vector<Message>& messages) {
  std::vector<std::string> out;
  for (const Message& m : messages) out.push_back(m.topic);
  return out;
}

TEST(RetainedStore, KeepsOnlyTheLatestMessagePerTopic) {  // MQTT-3.3.1-5
  RetainedStore store;
  store.update(retained("a/b", "1"));
  store.update(retained("a/b", "2", 0));
  ASSERT_NE(store.find("a/b"), nullptr);
  EXPECT_EQ(store.find("a/b")->payload, "2");
  EXPECT_EQ(store.find("a/b")->qos, 0);
  EXPECT_EQ(store.size(), 1u);
}

TEST(RetainedStore, RetainedEmptyPayloadClears) {  // MQTT-3.3.1-10, MQTT-3.3.1-11
  RetainedStore store;
  store.update(retained("a/b", "1"));
  store.update(retained("a/b", ""));
  EXPECT_EQ(store.find("a/b"), nullptr);
  store.update(retained("x", ""));  // an empty one is never stored
  EXPECT_EQ(store.size(), 0u);
}

TEST(RetainedStore, MatchingReturnsEveryMatchingTopicWithRetainSet) {  // MQTT-3.3.1-6, -8
  RetainedStore store;
  Message unflagged{"home/1/temp", "20", 1, false};
  store.update(unflagged);
  store.update(retained("home/2/temp", "21"));
  store.update(retained("home/2/hum", "40"));
  store.update(retained("office/temp", "19"));
  const auto found = store.matching("home/+/temp");
  EXPECT_EQ(topics(found), (std::vector<std::string>{"home/1/temp", "home/2/temp"}));
  for (const Message& m : found) EXPECT_TRUE(m.retain);
  EXPECT_EQ(topics(store.matching("office/temp")), std::vector<std::string>{"office/temp"});
  EXPECT_TRUE(store.matching("office/+/x").empty());
}

TEST(RetainedStore, MultiLevelWildcardMatchesTheParentTopic) {  // MQTT-4.7.1-2
  RetainedStore store;
  store.update(retained("a", "parent"));
  store.update(retained("a/b/c", "child"));
  store.update(retained("ab", "other"));
  EXPECT_EQ(topics(store.matching("a/#")), (std::vector<std::string>{"a", "a/b/c"}));
  EXPECT_EQ(topics(store.matching("#")), (std::vector<std::string>{"a", "a/b/c", "ab"}));
}

TEST(RetainedStore, WildcardFilterDoesNotMatchDollarTopics) {  // MQTT-4.7.2-1
  RetainedStore store;
  store.update(retained("$SYS/uptime", "1"));
  store.update(retained("x", "1"));
  EXPECT_EQ(topics(store.matching("#")), std::vector<std::string>{"x"});
  EXPECT_EQ(topics(store.matching("$SYS/#")), std::vector<std::string>{"$SYS/uptime"});
}

}  // namespace
}  // namespace mqttbed::mqtt
