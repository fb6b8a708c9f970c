// A large live fleet split across forked processes (Paho C costs per packet in proportion to
// the clients of its process): which process owns which device, running the children with
// progress, warnings and errors reported back over pipes, and merging their histories and
// observations into the parent's in time order.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "devices/observations.h"
#include "sim/fleet/run_contract.h"
#include "sim/history/history.h"
#include "sim/live/live_loop.h"
#include "sim/live/live_options.h"

namespace mqttbed::live {

// A process of the run and how many there are.
struct Shard {
  int index = 0;
  int count = 1;
};

// What one process's part of the run produced, besides its history.
struct ShardResult {
  std::uint64_t events = 0;
  std::uint64_t wire_bytes = 0;
  std::uint64_t resets = 0;
};

using Warn = std::function<void(const std::string&)>;
using ProgressReport =
    std::function<void(std::chrono::nanoseconds now, std::uint64_t events, int connected)>;
// One process's part of the run: warnings and progress go through the callbacks given.
using ShardBody =
    std::function<ShardResult(Shard shard, const Warn& warn, const ProgressReport& report)>;

// Processes for a fleet of `slots` devices: options.processes, else enough to keep each at
// options.clients_per_process (plus one for the cloud services).
int process_count(const LiveOptions& options, std::size_t slots);
// The process that runs device `device` (slots first, then the cloud services, which run in
// process 0); slots go to the others in contiguous blocks, so a home stays in one process.
int shard_of(std::size_t device, std::size_t slots, int count);

// What devices measured in a child process, for the parent's observations.
struct Observed {
  std::vector<devices::CommandRoundTrip> round_trips;
  std::vector<std::pair<std::string, std::string>> superseded;  // app, thing
};
// Observations that collect into `observed` (what a child's devices report to).
devices::Observations collecting_observations(Observed& observed);
// A child's observations as a file (tab-separated lines), and replayed from it into the
// run's observations (the sharded simulation, sim/run/shards.h, ships them the same way).
void write_observations(const std::string& path, const Observed& observed);
void replay_observations(const std::string& path, const devices::Observations& observations);

struct ShardedRun {
  int processes = 2;
  std::chrono::nanoseconds end{0};           // duration + settle
  std::chrono::nanoseconds settle_start{0};  // duration
};

// Forks `run.processes` children, each running `body` for its shard while recording
// `record` (from the fork on) to a history file of its own, waits for them, reporting their
// progress to `on_progress` and their warnings to `warn`, then calls `after_children` in the
// parent and merges the children's histories into `history` and their observations into
// `observations`. The loop's clock starts shortly after the last fork, in every process
// alike. Throws std::runtime_error naming the first process that failed and why.
ShardResult run_in_processes(const ShardedRun& run, LiveLoop& loop, history::History& record,
                             const Observed& observed, const ShardBody& body,
                             const std::function<void(const fleet::Progress&)>& on_progress,
                             const Warn& warn, const std::function<void()>& after_children,
                             history::History& history, const devices::Observations& observations);

}  // namespace mqttbed::live
