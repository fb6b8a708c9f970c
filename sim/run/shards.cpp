#include "sim/run/shards.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "sim/faults/fault_plan.h"
#include "sim/history/history_file.h"
#include "sim/live/process_shards.h"
#include "sim/report/atomic_file.h"
#include "sim/scenario/fleet_layout.h"
#include "sim/simulation/simulation.h"

namespace mqttbed::run {

namespace {

using nlohmann::json;
using std::chrono::nanoseconds;

std::string shard_file(const std::string& dir, int index, const char* extension) {
  return (std::filesystem::path(dir) / ("shard-" + std::to_string(index) + "." + extension))
      .string();
}

std::string shard_name(int index, int count) {
  return "shard " + std::to_string(index) + "/" + std::to_string(count);
}

// A BrokerStats as a JSON array (and back), field by field in declaration order.
json broker_json(const broker::BrokerStats& s) {
  return json::array({s.publishes_in, s.deliveries_out, s.dropped_queue_full,
                      s.dropped_payload_limit, s.denied, s.wills_published, s.keepalive_expiries,
                      s.queued_now, s.sessions, s.connections});
}

void add_broker(broker::BrokerStats& total, const json& j) {
  std::uint64_t* fields[] = {&total.publishes_in,
                             &total.deliveries_out,
                             &total.dropped_queue_full,
                             &total.dropped_payload_limit,
                             &total.denied,
                             &total.wills_published,
                             &total.keepalive_expiries,
                             &total.queued_now,
                             &total.sessions,
                             &total.connections};
  for (std::size_t i = 0; i < std::size(fields); ++i) *fields[i] += j.at(i).get<std::uint64_t>();
}

json stats_json(const fleet::RunStats& stats) {
  return json{{"devices", stats.devices},
              {"events", stats.events},
              {"transfers", stats.transfers},
              {"packets", stats.packets},
              {"wire_bytes", stats.wire_bytes},
              {"retransmissions", stats.retransmissions},
              {"broken_connections", stats.broken_connections},
              {"broker", broker_json(stats.broker)},
              {"end_ns", stats.end.count()},
              {"settle_start_ns", stats.settle_start.count()}};
}

void add_stats(fleet::RunStats& total, const json& j) {
  total.devices += j.at("devices").get<std::uint64_t>();
  total.events += j.at("events").get<std::uint64_t>();
  total.transfers += j.at("transfers").get<std::uint64_t>();
  total.packets += j.at("packets").get<std::uint64_t>();
  total.wire_bytes += j.at("wire_bytes").get<std::uint64_t>();
  total.retransmissions += j.at("retransmissions").get<std::uint64_t>();
  total.broken_connections += j.at("broken_connections").get<std::uint64_t>();
  add_broker(total.broker, j.at("broker"));
  total.end = nanoseconds(j.at("end_ns").get<std::int64_t>());
  total.settle_start = nanoseconds(j.at("settle_start_ns").get<std::int64_t>());
}

// Forks the process of one shard; it leaves DIR/shard-I.error with the reason if it fails.
pid_t start_shard(const scenario::Scenario& scenario, fleet::Shard shard, const std::string& dir,
                  const fleet::Misbehaviour& misbehaviour) {
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("sharded run: fork: ") + std::strerror(errno));
  if (pid > 0) return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the run
  int code = 0;
  try {
    run_shard(scenario, shard, dir, misbehaviour);
  } catch (const std::exception& error) {
    std::ofstream(shard_file(dir, shard.index, "error")) << error.what();
    code = 1;
  }
  std::_Exit(code);  // nothing of the parent's is torn down in the child
}

std::string why_failed(const std::string& dir, int index, int status) {
  std::ifstream error_file(shard_file(dir, index, "error"));
  std::string error((std::istreambuf_iterator<char>(error_file)), std::istreambuf_iterator<char>());
  if (!error.empty()) return error;
  if (WIFSIGNALED(status)) {
    const char* name = strsignal(WTERMSIG(status));
    return "killed by signal " + std::to_string(WTERMSIG(status)) +
           (name != nullptr ? std::string(" (") + name + ")" : "");
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    return "exit status " + std::to_string(WEXITSTATUS(status));
  return "it left no results";
}

}  // namespace

void run_shard(const scenario::Scenario& scenario, fleet::Shard shard, const std::string& dir,
               const fleet::Misbehaviour& misbehaviour) {
  std::filesystem::create_directories(dir);
  history::History history;
  history::HistoryFileInfo info;
  info.end_ns = (scenario.duration + scenario.settle).count();
  info.settle_start_ns = scenario.duration.count();
  history::HistoryWriter writer(shard_file(dir, shard.index, "jsonl"), history, info);
  writer.attach(history);
  live::Observed observed;
  fleet::RunHooks hooks;
  hooks.observations = live::collecting_observations(observed);
  hooks.misbehaviour = misbehaviour;
  json samples = json::array();
  hooks.on_broker_sample = [&samples](nanoseconds now, const broker::BrokerStats& stats) {
    samples.push_back(json::array({now.count(), broker_json(stats)}));
  };
  const fleet::RunStats stats = simulation::run_simulation(scenario, history, hooks, shard);
  writer.close(stats.end.count(), stats.settle_start.count());
  const std::string observations = shard_file(dir, shard.index, "obs");
  live::write_observations(observations + ".tmp", observed);
  std::filesystem::rename(observations + ".tmp", observations);
  // Last: its presence says the shard is complete.
  report::write_file_atomically(shard_file(dir, shard.index, "json"),
                                json{{"shard", shard.index},
                                     {"of", shard.count},
                                     {"seed", scenario.seed},
                                     {"stats", stats_json(stats)},
                                     {"broker_samples", samples}}
                                        .dump() +
                                    "\n");
}

void run_shards_in_processes(const scenario::Scenario& scenario, int count, const std::string& dir,
                             const fleet::Misbehaviour& misbehaviour, int retries) {
  std::filesystem::create_directories(dir);
  std::map<pid_t, int> running;
  std::vector<int> tries(static_cast<std::size_t>(count), 0);
  for (int i = 0; i < count; ++i)
    running[start_shard(scenario, fleet::Shard{i, count}, dir, misbehaviour)] = i;
  std::string failure;
  while (!running.empty()) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    auto it = running.find(pid);
    if (it == running.end()) continue;
    const int index = it->second;
    running.erase(it);
    const bool complete = WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
                          std::filesystem::exists(shard_file(dir, index, "json"));
    if (complete || !failure.empty()) continue;
    const std::string why = why_failed(dir, index, status);
    int& tried = tries[static_cast<std::size_t>(index)];
    if (tried < retries) {
      ++tried;
      std::fprintf(stderr, "mqttbed: %s failed (%s); running it again (retry %d of %d)\n",
                   shard_name(index, count).c_str(), why.c_str(), tried, retries);
      std::filesystem::remove(shard_file(dir, index, "error"));
      running[start_shard(scenario, fleet::Shard{index, count}, dir, misbehaviour)] = index;
      continue;
    }
    failure = shard_name(index, count) + " failed: " + why;
    if (tried > 0) failure += " (after " + std::to_string(tried) + " retries)";
    for (const auto& [other, ignored] : running) kill(other, SIGKILL);
  }
  if (!failure.empty()) throw ShardFailed("sharded run: " + failure + "; no report written");
}

fleet::RunStats merge_shards(const scenario::Scenario& scenario, int count, const std::string& dir,
                             history::History& history, const fleet::RunHooks& hooks) {
  if (hooks.on_fault_plan)
    hooks.on_fault_plan(faults::plan_faults(scenario, scenario::layout_fleet(scenario.fleet)));
  fleet::RunStats total;
  std::map<std::int64_t, broker::BrokerStats> samples;  // summed per sample time
  std::vector<std::string> histories;
  for (int i = 0; i < count; ++i) {
    std::ifstream file(shard_file(dir, i, "json"));
    if (!file)
      throw ShardFailed("sharded run: " + shard_name(i, count) + " left no results in " + dir +
                        " (it did not finish); no report written");
    const json side = json::parse(file);
    if (side.at("of").get<int>() != count || side.at("seed").get<std::uint64_t>() != scenario.seed)
      throw ShardFailed("sharded run: " + shard_file(dir, i, "json") + " is of another run (" +
                        std::to_string(side.at("of").get<int>()) + " shards, seed " +
                        std::to_string(side.at("seed").get<std::uint64_t>()) + ")");
    add_stats(total, side.at("stats"));
    for (const auto& sample : side.at("broker_samples"))
      add_broker(samples[sample.at(0).get<std::int64_t>()], sample.at(1));
    histories.push_back(shard_file(dir, i, "jsonl"));
  }
  history::merge_history_files(histories, history);
  if (hooks.on_broker_sample)
    for (const auto& [at, stats] : samples) hooks.on_broker_sample(nanoseconds(at), stats);
  for (int i = 0; i < count; ++i)
    live::replay_observations(shard_file(dir, i, "obs"), hooks.observations);
  return total;
}

}  // namespace mqttbed::run
