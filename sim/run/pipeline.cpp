#include "sim/run/pipeline.h"

#include <stdlib.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>

#include "sim/check/checker_thread.h"
#include "sim/check/checks.h"
#include "sim/check/verdict_format.h"
#include "sim/history/history_file.h"
#include "sim/live/live_run.h"
#include "sim/report/junit_writer.h"
#include "sim/report/metrics.h"
#include "sim/report/report_writer.h"
#include "sim/run/shards.h"
#include "sim/simulation/simulation.h"

#ifndef MQTTBED_VERSION
#define MQTTBED_VERSION "0.1.0"
#endif

namespace mqttbed::run {

namespace {

std::string iso8601_now() {
  std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

fleet::RunHooks make_hooks(const RunOptions& options, report::Metrics& metrics) {
  fleet::RunHooks hooks;
  hooks.on_progress = options.on_progress;
  hooks.on_broker_sample = [&metrics](std::chrono::nanoseconds now,
                                      const broker::BrokerStats& stats) {
    metrics.sample_broker(now, stats.queued_now, stats.dropped_queue_full,
                          stats.dropped_payload_limit, stats.denied, stats.connections);
  };
  hooks.on_fault_plan = [&metrics](const std::vector<faults::FaultWindow>& windows) {
    for (const auto& window : windows)
      metrics.add_fault_window(report::FaultWindow{
          window.start, window.end, scenario::to_string(window.kind), window.target_text});
  };
  hooks.observations.on_command_round_trip = [&metrics](const devices::CommandRoundTrip& trip) {
    metrics.record_command_round_trip(trip.round_trip);
  };
  hooks.misbehaviour = options.misbehaviour;
  return hooks;
}

// The shards run here (in a temporary folder, removed after) unless they already ran.
fleet::RunStats run_sharded(const scenario::Scenario& scenario, const RunOptions& options,
                            history::History& history, const fleet::RunHooks& hooks) {
  if (!options.shard_dir.empty())
    return merge_shards(scenario, options.shards, options.shard_dir, history, hooks);
  std::string dir = (std::filesystem::temp_directory_path() / "mqttbed-shards-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr)
    throw std::runtime_error("sharded run: cannot create a folder in " +
                             std::filesystem::temp_directory_path().string());
  struct Remove {
    std::string path;
    ~Remove() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  } remove{dir};
  run_shards_in_processes(scenario, options.shards, dir, options.misbehaviour,
                          options.retry_shards);
  return merge_shards(scenario, options.shards, dir, history, hooks);
}

}  // namespace

std::string mqttbed_version() { return MQTTBED_VERSION; }

std::string default_out_dir(const scenario::Scenario& scenario) {
  return "runs/" + scenario.name + "-" + std::to_string(scenario.seed);
}

RunResult run_scenario(const scenario::Scenario& scenario, const RunOptions& options) {
  if (options.shards != 1) {
    fleet::check_shardable(scenario, options.shards);
    if (!options.live.broker_url.empty())
      throw fleet::ShardingError(
          "--shards: a live run splits its fleet with --live-processes, not --shards");
    // A leak between accounts can only happen between accounts of one shard.
    if (options.misbehaviour.broker == broker::Mutation::leak_across_accounts &&
        scenario::account_count(scenario.fleet) < 2 * options.shards)
      throw fleet::ShardingError(
          "--broker-mutation leak_across_accounts: a shard must hold two accounts or more for "
          "the broker to leak between them; use fewer shards");
  }
  auto wall_start = std::chrono::steady_clock::now();
  std::string started_at = iso8601_now();
  std::string out_dir = options.out_dir.empty() ? default_out_dir(scenario) : options.out_dir;
  std::filesystem::create_directories(out_dir);

  history::History history;
  check::CheckerThread checkers(
      check::make_checkers(scenario.checks, security::policy_setup(scenario)));
  checkers.attach(history);
  report::Metrics metrics(history, report::metrics_options_for(scenario));
  metrics.attach(history);
  std::optional<history::HistoryWriter> writer;
  if (!options.history_path.empty()) {
    history::HistoryFileInfo info;
    info.end_ns = (scenario.duration + scenario.settle).count();
    info.settle_start_ns = scenario.duration.count();
    info.checks = scenario.checks;
    info.retained_survive_restart = scenario.broker.persistence;
    info.broker_ordering = scenario.broker.ordering;
    info.payload_limit_bytes = scenario.broker.payload_limit_bytes;
    if (!scenario.file.empty())
      info.scenario_file = std::filesystem::absolute(scenario.file).lexically_normal().string();
    info.seed = scenario.seed;
    writer.emplace(options.history_path, history, info);
    writer->attach(history);
  }

  if (options.observe) options.observe(history);
  fleet::RunHooks hooks = make_hooks(options, metrics);
  RunResult result;
  if (!options.live.broker_url.empty())
    result.stats = live::run_live(scenario, history, hooks, options.live);
  else if (options.shards > 1)
    result.stats = run_sharded(scenario, options, history, hooks);
  else
    result.stats = simulation::run_simulation(scenario, history, hooks);
  if (writer) writer->close(result.stats.end.count(), result.stats.settle_start.count());

  check::CheckContext context{result.stats.end.count(), result.stats.settle_start.count(),
                              scenario.broker.persistence, scenario.broker.ordering,
                              scenario.broker.payload_limit_bytes};
  result.verdicts = checkers.finish(context);
  result.expectations = report::evaluate_expectations(scenario.expect, metrics);
  nlohmann::json verdicts = check::to_json(result.verdicts);
  result.passed = report::report_passed(verdicts, result.expectations);
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  report::ReportInput input{scenario,
                            mqttbed_version(),
                            verdicts,
                            result.expectations,
                            metrics,
                            report::WallClock{started_at, result.wall_seconds, history.size()},
                            options.live.broker_url.empty() ? "simulated" : "live"};
  result.report_path = (std::filesystem::path(out_dir) / "report.json").string();
  report::write_report(result.report_path, input);
  if (!options.junit_path.empty()) {
    report::write_junit(options.junit_path,
                        report::JunitSuite{scenario.name, started_at, result.wall_seconds,
                                           result.verdicts, result.expectations, ""});
    result.junit_path = options.junit_path;
  }

  result.summary = check::format_summary(result.verdicts);
  for (const auto& expectation : result.expectations)
    result.summary += std::string(expectation.passed ? "  pass  " : "  FAIL  ") + "expect " +
                      expectation.message + "\n";
  return result;
}

}  // namespace mqttbed::run
