// Benchmark of the subscription index: insert and match rates of TopicTrie with a fleet of
// device-shaped filters (default 1,000,000). Usage: topic_trie_bench [filters] [topics] [seed]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "sim/mqtt/topic_trie.h"

namespace {

using Clock = std::chrono::steady_clock;

// Filters like "home/<home>/<room>/dev<n>/<attr>" with some '+' and '#', as a fleet's
// gateways, lights and apps subscribe: each within its home, a few fleet-wide monitors.
class FleetWorkload {
 public:
  explicit FleetWorkload(std::uint64_t seed) : rng_(seed) {}

  std::string filter() {
    // About 10 filters per home; one in 10,000 is a fleet-wide monitor ("home/+/...").
    std::string s = "home/" + (pick(10000) == 0 ? std::string("+") : std::to_string(pick(kHomes)));
    const std::string levels[] = {kRooms[pick(8)], "dev" + std::to_string(pick(10)),
                                  kAttrs[pick(5)]};
    const std::size_t depth = pick(4);
    for (std::size_t i = 0; i < depth; ++i) {
      const std::size_t roll = pick(100);
      if (roll < 3) return s + "/#";
      s += '/';
      s += roll < 8 ? std::string("+") : levels[i];
    }
    return s;
  }

  // A concrete device topic, as a publisher would send.
  std::string topic() {
    return "home/" + std::to_string(pick(kHomes)) + "/" + kRooms[pick(8)] + "/dev" +
           std::to_string(pick(10)) + "/" + kAttrs[pick(5)];
  }

 private:
  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

  static constexpr std::size_t kHomes = 100000;
  static constexpr const char* kRooms[8] = {"kitchen", "hall",  "bed", "bath",
                                            "office",  "attic", "",    "garden"};
  static constexpr const char* kAttrs[5] = {"state", "set", "temp", "battery", "lqi"};
  std::mt19937_64 rng_;
};

// Wall and CPU time of one phase: the machine may be shared, so CPU time is the fairer rate.
struct Stopwatch {
  Clock::time_point wall_start = Clock::now();
  std::clock_t cpu_start = std::clock();

  void report(const char* phase, std::size_t operations, const char* unit) const {
    const double wall_s = std::chrono::duration<double>(Clock::now() - wall_start).count();
    const double cpu_s = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    std::printf("%-7s %9zu %-8s wall %7.3f s  cpu %7.3f s  %10.0f %s/s (cpu)\n", phase, operations,
                unit, wall_s, cpu_s, cpu_s > 0 ? operations / cpu_s : 0.0, unit);
  }
};

}  // namespace

int main(int argc, char** argv) {
  const std::size_t filter_count = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const std::size_t topic_count = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000'000;
  const std::uint64_t seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1;

  FleetWorkload workload(seed);
  std::vector<std::string> filters(filter_count);
  for (std::string& f : filters) f = workload.filter();
  std::vector<std::string> topics(topic_count);
  for (std::string& t : topics) t = workload.topic();

  mqttbed::mqtt::TopicTrie<std::uint8_t> trie;
  Stopwatch insert_watch;
  for (std::size_t i = 0; i < filters.size(); ++i) trie.insert(filters[i], i, i % 3);
  insert_watch.report("insert", filter_count, "filters");
  std::printf("        trie: %zu pairs, %zu nodes\n", trie.size(), trie.node_count());

  std::uint64_t hits = 0;
  Stopwatch match_watch;
  for (const std::string& t : topics) {
    trie.match(t, [&hits](std::uint64_t, const std::uint8_t&) { ++hits; });
  }
  match_watch.report("match", topic_count, "topics");
  std::printf("        %.2f matching subscriptions per topic\n",
              topic_count ? static_cast<double>(hits) / topic_count : 0.0);

  Stopwatch erase_watch;
  for (std::size_t i = 0; i < filters.size(); ++i) trie.erase(filters[i], i);
  erase_watch.report("erase", filter_count, "filters");
  std::printf("        left: %zu pairs, %zu nodes\n", trie.size(), trie.node_count());
  return 0;
}
