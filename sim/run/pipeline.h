// A whole run, as the CLI and the Python module start it: simulate the scenario with the
// checkers, metrics and optional history file watching, judge, and write report.json.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sim/check/checker.h"
#include "sim/fleet/run_contract.h"
#include "sim/history/history.h"
#include "sim/live/live_options.h"
#include "sim/report/expectations.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::run {

struct RunOptions {
  std::string out_dir;       // empty: runs/<name>-<seed>/
  std::string history_path;  // empty: no JSON Lines history
  std::string junit_path;    // empty: no JUnit XML (report/junit_writer.h)
  std::function<void(const fleet::Progress&)> on_progress;
  // Test-only misbehaviour that proves a checker can fail.
  fleet::Misbehaviour misbehaviour;
  // live.broker_url set: run the devices live against that broker instead of simulating.
  live::LiveOptions live;
  // Simulated in this many shards, each a process of its own (sim/run/shards.h); a shard
  // whose process dies is run again up to retry_shards times.
  int shards = 1;
  int retry_shards = 0;
  // Set: the shards already ran elsewhere (a cluster) and left their files in this folder;
  // the run only merges and judges them. Empty: run them here, in a temporary folder.
  std::string shard_dir;
  // Called once before the run with its history, to attach further observers (compare).
  std::function<void(history::History&)> observe;
};

struct RunResult {
  bool passed = false;
  std::vector<check::Verdict> verdicts;
  std::vector<report::ExpectationResult> expectations;
  std::string report_path;
  std::string junit_path;  // written, or empty
  std::string summary;     // for the terminal
  fleet::RunStats stats;
  double wall_seconds = 0;
};

// The folder a run writes to when none is given.
std::string default_out_dir(const scenario::Scenario& scenario);

// Throws report::WriteError or
// std::runtime_error when output cannot be written (nothing half-written is left behind),
// fleet::ShardingError when the scenario cannot be split as asked, run::ShardFailed when a
// shard did not finish (no report then).
RunResult run_scenario(const scenario::Scenario& scenario, const RunOptions& options);

std::string mqttbed_version();

}  // namespace mqttbed::run
