// Sharded simulation (docs/simulation.md, "Sharded runs"): each shard of the fleet (whole
// accounts, sim/fleet/shard.h) simulated by a process of its own, which leaves its history
// and its totals in a folder; the coordinator then streams the shards' histories into one,
// in time order, for the checkers to judge once. The shards may run here (forked) or on a
// cluster (the `mqttbed` Python package on Dask): they only need to share the folder.
#pragma once

#include <stdexcept>
#include <string>

#include "sim/fleet/run_contract.h"
#include "sim/fleet/shard.h"
#include "sim/history/history.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::run {

// A shard that did not finish: the message names it ("shard 2 of 4 failed: ..."). A runtime
// failure (exit code 3); no report is written.
class ShardFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Simulates `shard` of the scenario and leaves DIR/shard-I.jsonl (its history), DIR/shard-I.obs
// (device observations) and, last, DIR/shard-I.json (totals and broker samples): a shard is
// complete when its .json exists. Files appear whole or not at all.
void run_shard(const scenario::Scenario& scenario, fleet::Shard shard, const std::string& dir,
               const fleet::Misbehaviour& misbehaviour);

// Runs every shard in a forked process of its own, all at once, and waits for them. A shard
// whose process fails is run again up to `retries` times; then ShardFailed names it and why
// (its error, or the signal that killed it). Must be called before any simulation ran in
// this process (the children inherit it, and SimGrid's engine is process-global).
void run_shards_in_processes(const scenario::Scenario& scenario, int count, const std::string& dir,
                             const fleet::Misbehaviour& misbehaviour, int retries);

// The coordinator's side: the fault plan to hooks.on_fault_plan, the shards' histories
// streamed into `history` in time order (at equal times, the lower shard first), their
// broker samples summed per sample time to hooks.on_broker_sample and their observations to
// hooks.observations. Returns the shards' totals summed. Throws ShardFailed when a shard's
// files are missing.
fleet::RunStats merge_shards(const scenario::Scenario& scenario, int count, const std::string& dir,
                             history::History& history, const fleet::RunHooks& hooks);

}  // namespace mqttbed::run
