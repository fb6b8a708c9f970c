// A replica fed a history's batches gets the source's ids and events, transient strings
// included, and refuses a batch out of order.
#include "sim/history/history_feed.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "sim/history/client_recorder.h"

namespace mqttbed::history {
namespace {

struct Seen {
  std::string client, topic, detail;
  EventType type;
};

class HistoryFeedTest : public ::testing::Test {
 protected:
  HistoryFeedTest() : feed(source) {
    source.add_observer([this](const Event& event) { feed.add(event); });
    replica.add_observer([this](const Event& event) {
      seen.push_back({replica.client_name(event.client), replica.string(event.topic),
                      replica.string(event.detail), event.type});
    });
  }
  ClientRecorder& recorder(const std::string& name) {
    recorders.push_back(std::make_unique<ClientRecorder>(source, name, [] { return 1; }));
    return *recorders.back();
  }
  History source, replica;
  HistoryFeed feed;
  std::vector<std::unique_ptr<ClientRecorder>> recorders;
  std::vector<Seen> seen;
};

TEST_F(HistoryFeedTest, ReplicaGetsTheSourcesIdsAndTexts) {
  ClientRecorder& light = recorder("light");
  light.connect_sent(true);
  light.publish_sent("$aws/things/light/shadow/update", 1, false, R"({"state":{"v":1}})");
  replay(feed.take(), replica);
  // A client and a topic first seen in the second batch.
  ClientRecorder& app = recorder("app");
  app.subscribe_sent("home/#", 1);
  app.publish_sent("$aws/things/light/shadow/update", 1, false, R"({"state":{"v":2}})");
  replay(feed.take(), replica);

  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].client, "light");
  EXPECT_EQ(seen[0].type, EventType::connect_sent);
  EXPECT_EQ(seen[1].detail, R"({"state":{"v":1}})");
  EXPECT_EQ(seen[2].client, "app");
  EXPECT_EQ(seen[2].topic, "home/#");
  EXPECT_EQ(seen[3].detail, R"({"state":{"v":2}})");
  ASSERT_EQ(replica.client_count(), source.client_count());
  ASSERT_EQ(replica.string_count(), source.string_count());
  for (std::uint32_t id = 0; id < source.string_count(); ++id)
    EXPECT_EQ(replica.string(id), source.string(id));
  EXPECT_EQ(replica.size(), source.size());
}

TEST_F(HistoryFeedTest, ABatchOutOfOrderIsRefused) {
  recorder("light").connect_sent(true);
  FeedBatch first = feed.take();
  recorder("app").connect_sent(true);
  FeedBatch second = feed.take();
  EXPECT_THROW(replay(std::move(second), replica), std::logic_error);
}

}  // namespace
}  // namespace mqttbed::history
