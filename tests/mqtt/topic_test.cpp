// Topic name / filter validation and matching against MQTT 3.1.1 and 5.0 §4.7.
#include "sim/mqtt/topic.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace mqttbed::mqtt {
namespace {

using ::testing::HasSubstr;

// ---- Validation ---------------------------------------------------------------------------

TEST(TopicValidation, EmptyTopicNameAndFilterAreRejected_MQTT_4_7_3_1) {
  EXPECT_THAT(topic_name_error(""), HasSubstr("MQTT-4.7.3-1"));
  EXPECT_THAT(topic_filter_error(""), HasSubstr("MQTT-4.7.3-1"));
}

TEST(TopicValidation, WildcardsInTopicNameAreRejected_MQTT_3_3_2_2) {
  EXPECT_THAT(topic_name_error("sport/+/player1"), HasSubstr("MQTT-3.3.2-2"));
  EXPECT_THAT(topic_name_error("sport/#"), HasSubstr("MQTT-3.3.2-2"));
  EXPECT_THAT(topic_name_error("sport+"), HasSubstr("MQTT-3.3.2-2"));
  EXPECT_TRUE(is_valid_topic_name("sport/tennis/player1"));
}

TEST(TopicValidation, MultiLevelWildcardMustBeLastAndAloneInItsLevel_MQTT_4_7_1_2) {
  // Non-normative examples of §4.7.1.2.
  EXPECT_TRUE(is_valid_topic_filter("#"));
  EXPECT_TRUE(is_valid_topic_filter("sport/tennis/#"));
  EXPECT_THAT(topic_filter_error("sport/tennis#"), HasSubstr("MQTT-4.7.1-2"));
  EXPECT_THAT(topic_filter_error("sport/tennis/#/ranking"), HasSubstr("MQTT-4.7.1-2"));
  EXPECT_THAT(topic_filter_error("#/"), HasSubstr("MQTT-4.7.1-2"));
  EXPECT_THAT(topic_filter_error("##"), HasSubstr("MQTT-4.7.1-2"));
}

TEST(TopicValidation, SingleLevelWildcardMustOccupyItsWholeLevel_MQTT_4_7_1_3) {
  // Non-normative examples of §4.7.1.3.
  EXPECT_TRUE(is_valid_topic_filter("+"));
  EXPECT_TRUE(is_valid_topic_filter("+/tennis/#"));
  EXPECT_TRUE(is_valid_topic_filter("sport/+/player1"));
  EXPECT_TRUE(is_valid_topic_filter("+/+"));
  EXPECT_TRUE(is_valid_topic_filter("/+"));
  EXPECT_THAT(topic_filter_error("sport+"), HasSubstr("MQTT-4.7.1-3"));
  EXPECT_THAT(topic_filter_error("sport/+tennis"), HasSubstr("MQTT-4.7.1-3"));
  EXPECT_THAT(topic_filter_error("++"), HasSubstr("MQTT-4.7.1-3"));
}

TEST(TopicValidation, NullCharacterIsRejected_MQTT_4_7_3_2) {
  const std::string with_null("a\0b", 3);
  EXPECT_THAT(topic_name_error(with_null), HasSubstr("MQTT-4.7.3-2"));
  EXPECT_THAT(topic_filter_error(with_null), HasSubstr("MQTT-4.7.3-2"));
}

TEST(TopicValidation, TopicsLongerThan65535BytesAreRejected_MQTT_4_7_3_3) {
  EXPECT_TRUE(is_valid_topic_name(std::string(65535, 'a')));
  EXPECT_THAT(topic_name_error(std::string(65536, 'a')), HasSubstr("MQTT-4.7.3-3"));
  EXPECT_THAT(topic_filter_error(std::string(65536, 'a')), HasSubstr("MQTT-4.7.3-3"));
}

TEST(TopicValidation, IllFormedUtf8IsRejected_MQTT_1_5_3_1) {
  EXPECT_TRUE(is_valid_topic_name("caf\xC3\xA9/\xE2\x82\xAC/\xF0\x9F\x98\x80"));
  EXPECT_THAT(topic_name_error("a\xC3"), HasSubstr("MQTT-1.5.3-1"));         // truncated
  EXPECT_THAT(topic_name_error("a\x80"), HasSubstr("MQTT-1.5.3-1"));         // stray continuation
  EXPECT_THAT(topic_name_error("\xC0\xAF"), HasSubstr("MQTT-1.5.3-1"));      // overlong '/'
  EXPECT_THAT(topic_name_error("\xED\xA0\x80"), HasSubstr("MQTT-1.5.3-1"));  // surrogate
  EXPECT_THAT(topic_filter_error("\xFF/#"), HasSubstr("MQTT-1.5.3-1"));
}

TEST(TopicValidation, SpacesAndEmptyLevelsAreAllowed_4_7_3) {
  EXPECT_TRUE(is_valid_topic_name("Accounts payable"));
  EXPECT_TRUE(is_valid_topic_name("/"));
  EXPECT_TRUE(is_valid_topic_name("a//b"));
  EXPECT_TRUE(is_valid_topic_filter("a//+/"));
}

// ---- Matching -----------------------------------------------------------------------------

TEST(TopicMatching, MultiLevelWildcardMatchesParentAndAllChildren_4_7_1_2) {
  EXPECT_TRUE(topic_matches("sport/tennis/player1/#", "sport/tennis/player1"));
  EXPECT_TRUE(topic_matches("sport/tennis/player1/#", "sport/tennis/player1/ranking"));
  EXPECT_TRUE(topic_matches("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon"));
  EXPECT_TRUE(topic_matches("sport/#", "sport"));
  EXPECT_TRUE(topic_matches("#", "sport/tennis"));
  EXPECT_TRUE(topic_matches("#", "/"));
  EXPECT_FALSE(topic_matches("sport/tennis/player1/#", "sport/tennis/player2"));
  EXPECT_FALSE(topic_matches("sport/#", "sports"));
}

TEST(TopicMatching, SingleLevelWildcardMatchesExactlyOneLevel_4_7_1_3) {
  EXPECT_TRUE(topic_matches("sport/tennis/+", "sport/tennis/player1"));
  EXPECT_TRUE(topic_matches("sport/tennis/+", "sport/tennis/player2"));
  EXPECT_FALSE(topic_matches("sport/tennis/+", "sport/tennis/player1/ranking"));
  EXPECT_FALSE(topic_matches("sport/+", "sport"));
  EXPECT_TRUE(topic_matches("sport/+", "sport/"));  // an empty level is a level
  EXPECT_TRUE(topic_matches("+/+/#", "a/b"));
  EXPECT_TRUE(topic_matches("+/#", "a"));  // '#' also matches the parent of a '+' level
}

TEST(TopicMatching, LeadingSlashMakesAnEmptyFirstLevel_4_7_1_3) {
  EXPECT_TRUE(topic_matches("+/+", "/finance"));
  EXPECT_TRUE(topic_matches("/+", "/finance"));
  EXPECT_FALSE(topic_matches("+", "/finance"));
  EXPECT_FALSE(topic_matches("finance", "/finance"));  // §4.7.3: "/finance" != "finance"
}

TEST(TopicMatching, EmptyLevelsMatchOnlyEmptyLevelsOrPlus) {
  EXPECT_TRUE(topic_matches("a//b", "a//b"));
  EXPECT_TRUE(topic_matches("a/+/b", "a//b"));
  EXPECT_FALSE(topic_matches("a/b", "a//b"));
  EXPECT_FALSE(topic_matches("a//b", "a/b"));
  EXPECT_TRUE(topic_matches("a/", "a/"));
  EXPECT_FALSE(topic_matches("a/", "a"));
  EXPECT_TRUE(topic_matches("a/#", "a/"));
}

TEST(TopicMatching, MatchingIsCaseSensitive_4_7_3) {
  EXPECT_FALSE(topic_matches("ACCOUNTS", "Accounts"));
  EXPECT_TRUE(topic_matches("Accounts payable", "Accounts payable"));
}

TEST(TopicMatching, WildcardFirstFilterDoesNotMatchDollarTopics_MQTT_4_7_2_1) {
  EXPECT_FALSE(topic_matches("#", "$SYS/broker/clients"));
  EXPECT_FALSE(topic_matches("+/monitor/Clients", "$SYS/monitor/Clients"));
  EXPECT_FALSE(topic_matches("+", "$SYS"));
  EXPECT_TRUE(topic_matches("$SYS/#", "$SYS/monitor/Clients"));
  EXPECT_TRUE(topic_matches("$SYS/monitor/+", "$SYS/monitor/Clients"));
  EXPECT_TRUE(topic_matches("$SYS", "$SYS"));
  // Only a '$' at the start of the topic is special.
  EXPECT_TRUE(topic_matches("+/$x", "a/$x"));
  EXPECT_TRUE(topic_matches("a/#", "a/$x"));
}

TEST(TopicMatching, ExactFiltersMatchOnlyTheSameTopic) {
  EXPECT_TRUE(topic_matches("a/b/c", "a/b/c"));
  EXPECT_FALSE(topic_matches("a/b/c", "a/b"));
  EXPECT_FALSE(topic_matches("a/b", "a/b/c"));
  EXPECT_FALSE(topic_matches("a/b/c", "a/b/d"));
}

// An independent reference: split both into levels, then match level by level as §4.7.1
// words it. topic_matches() must agree with it on every random pair.
std::vector<std::string> split_levels(const std::string& s) {
  std::vector<std::string> levels{""};
  for (const char c : s) {
    if (c == '/') {
      levels.emplace_back();
    } else {
      levels.back() += c;
    }
  }
  return levels;
}

bool reference_matches(const std::string& filter, const std::string& topic) {
  if (topic[0] == '$' && (filter[0] == '+' || filter[0] == '#')) return false;
  const std::vector<std::string> f = split_levels(filter);
  const std::vector<std::string> t = split_levels(topic);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] == "#") return true;  // this level and all below, zero levels included
    if (i >= t.size()) return false;
    if (f[i] != "+" && f[i] != t[i]) return false;
  }
  return f.size() == t.size();
}

TEST(TopicMatching, RandomPairsAgreeWithALevelByLevelReference) {
  std::mt19937_64 rng(1);
  const std::vector<std::string> parts{"a", "b", "", "$x", "+", "#"};
  auto pick = [&rng](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  auto make = [&](bool filter) {
    std::string s;
    while (!(filter ? is_valid_topic_filter(s) : is_valid_topic_name(s))) {
      s.clear();
      for (std::size_t level = 0, depth = 1 + pick(4); level < depth; ++level) {
        if (level > 0) s += '/';
        s += parts[pick(filter ? 6 : 4)];
      }
    }
    return s;
  };
  int matched = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string filter = make(true);
    const std::string topic = make(false);
    ASSERT_EQ(topic_matches(filter, topic), reference_matches(filter, topic))
        << "filter \"" << filter << "\" topic \"" << topic << "\"";
    matched += topic_matches(filter, topic) ? 1 : 0;
  }
  EXPECT_GT(matched, 1000);  // the alphabet is small enough for many pairs to match
}

}  // namespace
}  // namespace mqttbed::mqtt
