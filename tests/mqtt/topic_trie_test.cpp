// TopicTrie: the subscription index must find exactly the filters topic_matches() accepts.
#include "sim/mqtt/topic_trie.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sim/mqtt/topic.h"

namespace mqttbed::mqtt {
namespace {

using Hits = std::vector<std::pair<std::uint64_t, int>>;

Hits match_sorted(const TopicTrie<int>& trie, std::string_view topic) {
  Hits hits;
  trie.match(topic,
             [&hits](std::uint64_t key, const int& value) { hits.emplace_back(key, value); });
  std::sort(hits.begin(), hits.end());
  return hits;
}

// The reference: scan every (filter, key) with topic_matches().
Hits brute_force(const std::vector<std::string>& filters, const std::vector<bool>& present,
                 std::string_view topic) {
  Hits hits;
  for (std::size_t i = 0; i < filters.size(); ++i) {
    if (present[i] && topic_matches(filters[i], topic)) {
      hits.emplace_back(i, static_cast<int>(i % 3));
    }
  }
  std::sort(hits.begin(), hits.end());
  return hits;
}

TEST(TopicTrie, InsertReportsNewPairsAndReplacesTheValue_MQTT_3_8_4_3) {
  TopicTrie<int> trie;
  EXPECT_TRUE(trie.insert("a/b", 1, 0));
  EXPECT_TRUE(trie.insert("a/b", 2, 1));
  EXPECT_TRUE(trie.insert("a/+", 1, 1));
  // A repeated SUBSCRIBE with the same filter replaces the subscription: one pair, new QoS.
  EXPECT_FALSE(trie.insert("a/b", 1, 2));
  EXPECT_EQ(trie.size(), 3u);
  ASSERT_NE(trie.find("a/b", 1), nullptr);
  EXPECT_EQ(*trie.find("a/b", 1), 2);
  EXPECT_EQ(trie.find("a/b", 3), nullptr);
  EXPECT_EQ(trie.find("a/c", 1), nullptr);
}

TEST(TopicTrie, InsertRejectsInvalidFilters) {
  TopicTrie<int> trie;
  EXPECT_THROW(trie.insert("a/b#", 1, 0), std::invalid_argument);
  EXPECT_THROW(trie.insert("a+/b", 1, 0), std::invalid_argument);
  EXPECT_THROW(trie.insert("", 1, 0), std::invalid_argument);
  EXPECT_EQ(trie.size(), 0u);
}

TEST(TopicTrie, EraseRemovesOnlyThatPair) {
  TopicTrie<int> trie;
  trie.insert("a/b", 1, 0);
  trie.insert("a/b", 2, 0);
  trie.insert("a/#", 1, 0);
  EXPECT_FALSE(trie.erase("a/b", 3));
  EXPECT_FALSE(trie.erase("a/c", 1));
  EXPECT_FALSE(trie.erase("a/b/c", 1));
  EXPECT_TRUE(trie.erase("a/b", 1));
  EXPECT_FALSE(trie.erase("a/b", 1));
  EXPECT_EQ(trie.size(), 2u);
  EXPECT_EQ(match_sorted(trie, "a/b"), (Hits{{1, 0}, {2, 0}}));  // key 1 via "a/#"
}

TEST(TopicTrie, ErasePrunesNodesLeftEmpty) {
  TopicTrie<int> trie;
  trie.insert("a/b", 1, 0);
  const std::size_t nodes_before = trie.node_count();  // root, a, b
  trie.insert("a/b/c/d", 1, 0);
  trie.insert("a/+/#", 1, 0);
  EXPECT_GT(trie.node_count(), nodes_before);
  trie.erase("a/b/c/d", 1);
  trie.erase("a/+/#", 1);
  EXPECT_EQ(trie.node_count(), nodes_before);  // "a/b" still needs root, a, b
  trie.erase("a/b", 1);
  EXPECT_EQ(trie.node_count(), 1u);  // only the root
  EXPECT_TRUE(trie.empty());
}

TEST(TopicTrie, MatchVisitsEachMatchingFilterOfAKey_MQTT_3_3_5_1) {
  // Overlapping subscriptions of one client are all reported; the broker merges them.
  TopicTrie<int> trie;
  trie.insert("sport/tennis/+", 7, 1);
  trie.insert("sport/#", 7, 2);
  trie.insert("sport/tennis/player1", 8, 0);
  trie.insert("sport/golf/+", 9, 0);
  EXPECT_EQ(match_sorted(trie, "sport/tennis/player1"), (Hits{{7, 1}, {7, 2}, {8, 0}}));
  EXPECT_EQ(match_sorted(trie, "sport/tennis/player1/ranking"), (Hits{{7, 2}}));
}

TEST(TopicTrie, MultiLevelWildcardMatchesTheParentLevel_4_7_1_2) {
  TopicTrie<int> trie;
  trie.insert("sport/#", 1, 0);
  trie.insert("+/#", 2, 0);
  trie.insert("#", 3, 0);
  EXPECT_EQ(match_sorted(trie, "sport"), (Hits{{1, 0}, {2, 0}, {3, 0}}));
  EXPECT_EQ(match_sorted(trie, "sports"), (Hits{{2, 0}, {3, 0}}));
}

TEST(TopicTrie, WildcardFirstFiltersSkipDollarTopics_MQTT_4_7_2_1) {
  TopicTrie<int> trie;
  trie.insert("#", 1, 0);
  trie.insert("+/monitor/Clients", 2, 0);
  trie.insert("$SYS/#", 3, 0);
  trie.insert("$SYS/monitor/+", 4, 0);
  trie.insert("+/+/+", 5, 0);
  EXPECT_EQ(match_sorted(trie, "$SYS/monitor/Clients"), (Hits{{3, 0}, {4, 0}}));
  EXPECT_EQ(match_sorted(trie, "SYS/monitor/Clients"), (Hits{{1, 0}, {2, 0}, {5, 0}}));
}

TEST(TopicTrie, EmptyLevelsAreDistinctLevels_4_7_1_3) {
  TopicTrie<int> trie;
  trie.insert("/+", 1, 0);
  trie.insert("+/+", 2, 0);
  trie.insert("+", 3, 0);
  trie.insert("a//b", 4, 0);
  trie.insert("a/+/b", 5, 0);
  EXPECT_EQ(match_sorted(trie, "/finance"), (Hits{{1, 0}, {2, 0}}));
  EXPECT_EQ(match_sorted(trie, "a//b"), (Hits{{4, 0}, {5, 0}}));
  EXPECT_EQ(match_sorted(trie, "finance"), (Hits{{3, 0}}));
}

// Runs `body` on a thread with a 256 KiB stack, about what a simulation actor gets.
void run_on_small_stack(void (*body)()) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, 256 * 1024), 0);
  pthread_t thread;
  auto trampoline = [](void* arg) -> void* {
    reinterpret_cast<void (*)()>(arg)();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, trampoline, reinterpret_cast<void*>(body)), 0);
  ASSERT_EQ(pthread_join(thread, nullptr), 0);
  pthread_attr_destroy(&attr);
}

TEST(TopicTrie, DeepestFilterWorksWithoutRecursionOnASmallStack_MQTT_4_7_3_3) {
  // 65535 bytes of '/' is a valid filter of 65536 empty levels: match, count, erase and
  // destruction must not recurse per level (a crash here means they do).
  run_on_small_stack([] {
    const std::string deepest(65535, '/');
    TopicTrie<int> trie;
    trie.insert(deepest, 1, 0);
    trie.insert(deepest.substr(0, 1000) + "#", 2, 0);
    int hits = 0;
    trie.match(deepest, [&hits](std::uint64_t, const int&) { ++hits; });
    EXPECT_EQ(hits, 2);
    EXPECT_EQ(trie.node_count(), 65538u);  // root, 65536 levels, the '#'
    TopicTrie<int> other;
    other.insert(deepest, 3, 0);
    other = std::move(trie);  // the moved-over trie is torn down
    EXPECT_TRUE(other.erase(deepest, 1));
    EXPECT_EQ(other.size(), 1u);
    other.clear();
    other.insert(deepest, 4, 0);
  });  // `other` destroyed with 65536 levels
}

// Random filters and topics over a tiny alphabet (so wildcards, empty levels and '$' levels
// collide often): the trie must agree with topic_matches() on every pair.
TEST(TopicTrie, RandomFiltersAgreeWithTopicMatches) {
  std::mt19937_64 rng(42);
  const std::vector<std::string> words{"a", "b", "", "$s"};
  auto pick = [&rng](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  auto make = [&](bool filter) -> std::string {
    std::string s;
    const std::size_t depth = 1 + pick(4);
    for (std::size_t level = 0; level < depth; ++level) {
      if (level > 0) s += '/';
      const std::size_t choice = pick(filter ? 7 : 4);
      if (choice < 4) {
        s += words[choice];
      } else if (choice < 6) {
        s += '+';
      } else {
        s += '#';
        break;
      }
    }
    return s.empty() ? "b" : s;  // "" is neither a valid filter nor a valid topic
  };
  std::vector<std::string> filters;
  TopicTrie<int> trie;
  for (std::size_t i = 0; i < 2000; ++i) {
    filters.push_back(make(true));
    trie.insert(filters.back(), i, static_cast<int>(i % 3));
  }
  std::vector<bool> present(filters.size(), true);
  for (std::size_t i = 0; i < filters.size(); i += 2) {
    present[i] = false;
    ASSERT_TRUE(trie.erase(filters[i], i));
  }
  for (int i = 0; i < 500; ++i) {
    const std::string topic = make(false);
    ASSERT_EQ(match_sorted(trie, topic), brute_force(filters, present, topic)) << topic;
  }
}

// A fleet-sized index: 1,000,000 filters shaped like device subscriptions.
class FleetFilters {
 public:
  explicit FleetFilters(std::uint64_t seed) : rng_(seed) {}

  std::string filter() {
    std::string s = pick(100) == 0 ? "$SYS" : pick(50) == 0 ? "+" : "home";
    const std::string levels[] = {std::to_string(pick(50000)), rooms_[pick(8)],
                                  "dev" + std::to_string(pick(10)), attrs_[pick(5)]};
    const std::size_t depth = 1 + pick(4);
    for (std::size_t i = 0; i < depth; ++i) {
      const std::size_t roll = pick(100);
      if (roll < 3) return s + "/#";
      s += '/';
      s += roll < 8 ? std::string("+") : levels[i];
    }
    return s;
  }

  // A topic that `filter` matches: wildcards replaced by concrete levels.
  std::string topic_for(const std::string& filter) {
    std::string topic;
    std::size_t pos = 0;
    while (pos <= filter.size()) {
      std::size_t slash = filter.find('/', pos);
      if (slash == std::string::npos) slash = filter.size();
      const std::string level = filter.substr(pos, slash - pos);
      if (pos > 0) topic += '/';
      if (level == "+") {
        topic += pos == 0 ? "home" : rooms_[pick(8)];
      } else if (level == "#") {
        topic += attrs_[pick(5)];
      } else {
        topic += level;
      }
      pos = slash + 1;
    }
    return topic;
  }

  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

 private:
  std::mt19937_64 rng_;
  const std::string rooms_[8] = {"kitchen", "hall", "bed", "bath", "office", "attic", "", "garden"};
  const std::string attrs_[5] = {"state", "set", "temp", "battery", "lqi"};
};

TEST(TopicTrie, MillionFiltersMatchExactlyLikeABruteForceScan) {
  constexpr std::size_t kFilters = 1'000'000;
  FleetFilters gen(7);
  std::vector<std::string> filters;
  filters.reserve(kFilters);
  TopicTrie<int> trie;
  for (std::size_t i = 0; i < kFilters; ++i) {
    filters.push_back(gen.filter());
    ASSERT_TRUE(trie.insert(filters.back(), i, static_cast<int>(i % 3)));
  }
  ASSERT_EQ(trie.size(), kFilters);
  std::vector<bool> present(kFilters, true);
  std::size_t total_hits = 0;
  for (int sample = 0; sample < 8; ++sample) {
    const std::string topic = gen.topic_for(filters[gen.pick(kFilters)]);
    const Hits expected = brute_force(filters, present, topic);
    ASSERT_EQ(match_sorted(trie, topic), expected) << topic;
    total_hits += expected.size();
  }
  EXPECT_GT(total_hits, 8u);  // the samples exercise more than their source filter

  // After erasing every other pair the index still agrees with the scan.
  for (std::size_t i = 0; i < kFilters; i += 2) {
    ASSERT_TRUE(trie.erase(filters[i], i));
    present[i] = false;
  }
  ASSERT_EQ(trie.size(), kFilters / 2);
  for (int sample = 0; sample < 4; ++sample) {
    const std::string topic = gen.topic_for(filters[2 * gen.pick(kFilters / 2) + 1]);
    ASSERT_EQ(match_sorted(trie, topic), brute_force(filters, present, topic)) << topic;
  }
  const std::string dollar = "$SYS/1/kitchen/dev1";
  ASSERT_EQ(match_sorted(trie, dollar), brute_force(filters, present, dollar));
}

}  // namespace
}  // namespace mqttbed::mqtt
