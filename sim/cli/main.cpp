// `mqttbed`: the command line. Maps every error to its exit code (see options.h); nothing
// below this file exits the process.
#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "reports/renderer/report_html.h"
#include "sim/authorizer/authorizer_server.h"
#include "sim/brokerconf/aedes_config.h"
#include "sim/brokerconf/mosquitto_config.h"
#include "sim/brokerconf/rabbitmq_config.h"
#include "sim/check/checks.h"
#include "sim/check/verdict_format.h"
#include "sim/cli/options.h"
#include "sim/cli/probe_command.h"
#include "sim/cli/progress_line.h"
#include "sim/compare/compare_run.h"
#include "sim/history/history_file.h"
#include "sim/report/atomic_file.h"
#include "sim/report/ci_output.h"
#include "sim/report/junit_writer.h"
#include "sim/run/catalog.h"
#include "sim/run/pipeline.h"
#include "sim/run/shards.h"
#include "sim/scenario/loader.h"

#ifndef MQTTBED_PYTHON
#define MQTTBED_PYTHON "python3"
#endif

namespace mqttbed::cli {
namespace {

int validate(const Options& options) {
  int status = kPassed;
  for (const auto& file : options.files) {
    try {
      auto scenario = run::load_scenario(file);
      std::printf("%s: ok (%s, %lld homes)\n", file.c_str(), scenario.name.c_str(),
                  static_cast<long long>(scenario.fleet.homes));
    } catch (const scenario::ScenarioError& error) {
      std::fprintf(stderr, "%s\n", error.what());
      status = kBadInput;
    }
  }
  return status;
}

// --summary-json and --github-annotations, after the human-readable lines.
void write_ci_outputs(const Options& options, const report::CiOutcome& outcome) {
  if (options.github_annotations) std::fputs(report::github_annotations(outcome).c_str(), stdout);
  if (options.summary_json_path.empty()) return;
  std::string json = report::summary_json(outcome).dump();
  if (options.summary_json_path == "-")
    std::printf("mqttbed-summary: %s\n", json.c_str());
  else
    report::write_file_atomically(options.summary_json_path, json + "\n");
}

// --scheduler: the shards run on a Dask cluster through the Python package, which this
// process becomes (docs/simulation.md, "On a Dask cluster"). The package is found on
// PYTHONPATH, or beside this executable in a build tree (<build>/python).
int hand_off_to_dask(const Options& options) {
  if (!options.junit_path.empty() || !options.summary_json_path.empty() ||
      options.github_annotations || !options.misbehaviour.none() ||
      !options.live.broker_url.empty()) {
    std::fprintf(stderr,
                 "mqttbed: --scheduler: --junit, --summary-json, --github-annotations, "
                 "--broker-mutation and live flags are not passed to a Dask run; use the "
                 "Python package (mqttbed.run(..., client=...)) for those\n");
    return kBadInput;
  }
  const char* python = std::getenv("MQTTBED_PYTHON");
  std::vector<std::string> args = {python != nullptr && *python != 0 ? python : MQTTBED_PYTHON,
                                   "-m",
                                   "mqttbed.dask_run",
                                   options.files[0],
                                   "--shards",
                                   std::to_string(options.shards),
                                   "--scheduler",
                                   options.scheduler,
                                   "--shard-dir",
                                   options.shard_dir,
                                   "--retry-shards",
                                   std::to_string(options.retry_shards)};
  if (options.seed) args.insert(args.end(), {"--seed", std::to_string(*options.seed)});
  if (!options.out_dir.empty()) args.insert(args.end(), {"--out", options.out_dir});
  if (!options.history_path.empty()) args.insert(args.end(), {"--history", options.history_path});
  if (!options.write_html) args.emplace_back("--no-html");
  std::error_code error;
  const auto beside =
      std::filesystem::read_symlink("/proc/self/exe", error).parent_path() / "python";
  if (!error && std::filesystem::exists(beside / "mqttbed" / "dask_run.py")) {
    const char* old = std::getenv("PYTHONPATH");
    std::string path =
        beside.string() + (old != nullptr && *old != 0 ? ":" + std::string(old) : "");
    setenv("PYTHONPATH", path.c_str(), 1);
  }
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  execvp(argv[0], argv.data());
  std::fprintf(stderr, "mqttbed: --scheduler: cannot start %s: %s\n", argv[0],
               std::strerror(errno));
  return kRuntimeError;
}

int shard_command(const Options& options) {
  scenario::Scenario scenario;
  try {
    scenario = run::load_scenario(options.files[0]);
    if (options.seed) scenario.seed = *options.seed;
    fleet::check_shardable(scenario, options.shards);
  } catch (const scenario::ScenarioError& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return kBadInput;
  } catch (const fleet::ShardingError& error) {
    std::fprintf(stderr, "mqttbed: %s\n", error.what());
    return kBadInput;
  }
  run::run_shard(scenario, fleet::Shard{options.shard_index, options.shards}, options.shard_dir,
                 options.misbehaviour);
  std::printf("shard %d/%d: %s\n", options.shard_index, options.shards, options.shard_dir.c_str());
  return kPassed;
}

int run_command(const Options& options) {
  if (!options.scheduler.empty()) return hand_off_to_dask(options);
  scenario::Scenario scenario;
  try {
    scenario = run::load_scenario(options.files[0]);
  } catch (const scenario::ScenarioError& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return kBadInput;
  }
  if (options.seed) scenario.seed = *options.seed;
  run::RunOptions run_options;
  run_options.out_dir = options.out_dir;
  run_options.history_path = options.history_path;
  run_options.misbehaviour = options.misbehaviour;
  run_options.junit_path = options.junit_path;
  // Live (docs/live.md): an unreachable broker throws live::BrokerUnreachable -> exit 3.
  run_options.live = options.live;
  run_options.shards = options.shards;
  run_options.retry_shards = options.retry_shards;
  run_options.shard_dir = options.shard_dir;
  ProgressLine progress(stderr);
  if (!options.quiet && isatty(fileno(stderr)))
    run_options.on_progress = [&progress](const fleet::Progress& p) { progress.update(p); };
  run::RunResult result;
  try {
    result = run::run_scenario(scenario, run_options);
  } catch (const fleet::ShardingError& error) {
    std::fprintf(stderr, "mqttbed: %s\n", error.what());
    return kBadInput;
  }
  progress.finish();
  std::printf("%s: seed %llu, %llu devices, %.0f s %s in %.2f s wall\n", scenario.name.c_str(),
              static_cast<unsigned long long>(scenario.seed),
              static_cast<unsigned long long>(result.stats.devices),
              std::chrono::duration<double>(result.stats.end).count(),
              options.live.broker_url.empty() ? "virtual" : "live", result.wall_seconds);
  std::fputs(result.summary.c_str(), stdout);
  std::printf("%s  report: %s\n", result.passed ? "PASSED" : "FAILED", result.report_path.c_str());
  report::CiOutcome outcome;
  outcome.command = "run";
  outcome.name = scenario.name;
  outcome.mode = options.live.broker_url.empty() ? "simulated" : "live";
  outcome.file = scenario.file;
  outcome.verdicts = result.verdicts;
  outcome.expectations = result.expectations;
  outcome.report_json = result.report_path;
  outcome.junit = result.junit_path;
  outcome.history = options.history_path;
  if (options.write_html) {
    outcome.report_html = reports::default_html_path({result.report_path});
    reports::write_report_html(outcome.report_html, {result.report_path}, run::mqttbed_version());
    std::printf("        html: %s\n", outcome.report_html.c_str());
  }
  if (!result.junit_path.empty()) std::printf("       junit: %s\n", result.junit_path.c_str());
  write_ci_outputs(options, outcome);
  return result.passed ? kPassed : kViolated;
}

// The policy a history is judged by: that of --scenario, else of the scenario its header
// names (at the seed it ran with), else the default. A named scenario that no longer loads
// is an error, never a silent default.
security::PolicySetup history_policy(const Options& options) {
  const history::HistoryFileInfo header = history::read_history_header(options.files[0]);
  std::string file = options.scenario_path.empty() ? header.scenario_file : options.scenario_path;
  if (file.empty()) return security::default_setup();
  scenario::Scenario scenario = run::load_scenario(file);
  if (options.scenario_path.empty()) scenario.seed = header.seed;
  return security::policy_setup(scenario);
}

int check_command(const Options& options) {
  const std::string& path = options.files[0];
  check::HistoryJudgement judgement;
  try {
    judgement = check::judge_history_file(path, options.partial, {}, history_policy(options));
  } catch (const history::HistoryFileError& error) {
    std::fprintf(stderr, "mqttbed: %s\n", error.what());
    return kBadInput;
  } catch (const scenario::ScenarioError& error) {
    std::fprintf(stderr, "mqttbed: the history's scenario: %s\n", error.what());
    return kBadInput;
  }
  const history::HistoryFileInfo& info = judgement.info;
  std::fputs(check::format_summary(judgement.verdicts).c_str(), stdout);
  std::string ended;
  if (info.truncated) {
    char text[160];
    std::snprintf(text, sizeof text,
                  "partial: the history was cut short; judged up to its last complete event, "
                  "line %llu at t=%.3f s",
                  static_cast<unsigned long long>(info.last_complete_line),
                  static_cast<double>(info.last_event_ns) / 1e9);
    ended = text;
    std::printf("%s\n", ended.c_str());
  }
  bool passed = check::all_passed(judgement.verdicts);
  std::printf("%s\n", passed ? "PASSED" : "FAILED");
  report::CiOutcome outcome;
  outcome.command = "check";
  outcome.name = outcome.file = path;
  outcome.mode = "history";
  outcome.verdicts = judgement.verdicts;
  outcome.truncated = info.truncated;
  outcome.last_complete_line = info.last_complete_line;
  outcome.last_event_s = static_cast<double>(info.last_event_ns) / 1e9;
  if (!options.junit_path.empty()) {
    report::write_junit(options.junit_path,
                        report::JunitSuite{path, "", 0, judgement.verdicts, {}, ended});
    outcome.junit = options.junit_path;
    std::printf("junit: %s\n", options.junit_path.c_str());
  }
  write_ci_outputs(options, outcome);
  return passed ? kPassed : kViolated;
}

int report_command(const Options& options) {
  std::string html_path =
      options.out_dir.empty() ? reports::default_html_path(options.files) : options.out_dir;
  try {
    reports::write_report_html(html_path, options.files, run::mqttbed_version());
  } catch (const reports::ReportHtmlError& error) {
    std::fprintf(stderr, "mqttbed: %s\n", error.what());
    return kBadInput;
  }
  std::printf("%s\n", html_path.c_str());
  return kPassed;
}

std::int64_t wall_clock_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// RabbitMQ's and aedes' files, and how to start them with the authorizer endpoint.
int served_broker_config(const Options& options, const std::string& broker,
                         const scenario::Scenario& scenario) {
  brokerconf::ServedBrokerOptions config;
  config.certificate_port = options.port;
  config.token_port = options.port + 1;
  config.authorizer = options.authorizer_address.empty()
                          ? "127.0.0.1:" + std::to_string(options.port + 2)
                          : options.authorizer_address;
  config.now_s = wall_clock_s();
  identity::IdentityProvider provider(scenario.identity, scenario.seed);
  const auto out = std::filesystem::absolute(options.out_dir);
  const auto written =
      broker == "rabbitmq"
          ? brokerconf::write_rabbitmq_config(provider, scenario, options.out_dir, config)
          : brokerconf::write_aedes_config(provider, scenario, options.out_dir, config);
  for (const auto& path : written) std::printf("%s\n", path.c_str());
  std::printf("start: mqttbed authorizer %s --listen %s --pki %s\n", options.files[0].c_str(),
              config.authorizer.c_str(), (out / brokerconf::kPkiFolder).c_str());
  if (broker == "rabbitmq")
    std::printf(
        "start: RABBITMQ_CONFIG_FILE=%s RABBITMQ_ADVANCED_CONFIG_FILE=%s "
        "RABBITMQ_ENABLED_PLUGINS_FILE=%s rabbitmq-server\n",
        (out / brokerconf::kRabbitmqConf).c_str(),
        (out / brokerconf::kRabbitmqAdvancedConfig).c_str(),
        (out / brokerconf::kRabbitmqEnabledPlugins).c_str());
  else
    std::printf("start: node tests/live/brokers/aedes/server.js --config %s\n",
                (out / brokerconf::kAedesConfig).c_str());
  return kPassed;
}

// Writes the configuration of a real broker that enforces the scenario's identities and
// policy (docs/security.md), and prints every file written.
int broker_config_command(const Options& options) {
  // broker-config reads --broker as a broker's name, not a URL.
  const std::string broker =
      options.live.broker_url.empty() ? "mosquitto" : options.live.broker_url;
  if (broker != "mosquitto" && broker != "rabbitmq" && broker != "aedes") {
    std::fprintf(stderr,
                 "mqttbed: broker-config: --broker %s: expected mosquitto, rabbitmq or aedes\n",
                 broker.c_str());
    return kBadInput;
  }
  scenario::Scenario scenario;
  try {
    scenario = run::load_scenario(options.files[0]);
  } catch (const scenario::ScenarioError& error) {
    std::fprintf(stderr, "mqttbed: %s\n", error.what());
    return kBadInput;
  }
  if (options.seed) scenario.seed = *options.seed;
  if (broker != "mosquitto") return served_broker_config(options, broker, scenario);
  brokerconf::MosquittoConfigOptions config;
  config.certificate_port = options.port;
  config.token_port = options.port + 1;
  config.scenario_file = options.files[0];
  config.plugin = options.plugin_path.empty()
                      ? std::filesystem::read_symlink("/proc/self/exe").parent_path() /
                            "mqttbed_mosquitto_auth.so"
                      : std::filesystem::path(options.plugin_path);
  config.now_s = wall_clock_s();
  if (!std::filesystem::exists(config.plugin))
    std::fprintf(stderr,
                 "mqttbed: warning: plugin %s does not exist (build "
                 "mqttbed_mosquitto_auth, which needs mosquitto-dev)\n",
                 config.plugin.c_str());
  identity::IdentityProvider provider(scenario.identity, scenario.seed);
  for (const auto& path :
       brokerconf::write_mosquitto_config(provider, scenario, options.out_dir, config))
    std::printf("%s\n", path.c_str());
  std::printf("start: mosquitto -c %s\n",
              (std::filesystem::absolute(options.out_dir) / brokerconf::kMosquittoConf).c_str());
  return kPassed;
}

// Runs the scenario once over MQTT and replays it over each transport (docs/compare.md).
int compare_command(const Options& options) {
  scenario::Scenario scenario;
  try {
    scenario = run::load_scenario(options.files[0]);
  } catch (const scenario::ScenarioError& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return kBadInput;
  }
  if (options.seed) scenario.seed = *options.seed;
  compare::CompareOptions compare_options;
  compare_options.transports = compare::parse_transports(options.transports);
  compare_options.out_dir = options.out_dir;
  compare::CompareResult result = compare::run_compare(scenario, compare_options);
  std::fputs(result.table.c_str(), stdout);
  std::printf("report: %s\n  html: %s\n", result.report_json.c_str(), result.report_html.c_str());
  return kPassed;
}

// Serves the authorizer endpoint until SIGINT or SIGTERM; prints the ready line first.
int authorizer_command(const Options& options) {
  scenario::Scenario scenario;
  try {
    scenario = run::load_scenario(options.files[0]);
  } catch (const scenario::ScenarioError& error) {
    std::fprintf(stderr, "mqttbed: %s\n", error.what());
    return kBadInput;
  }
  const auto colon = options.listen_address.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    try {
      port = std::stoi(options.listen_address.substr(colon + 1));
    } catch (const std::exception&) {
    }
  }
  if (port < 0 || port > 65535) {
    std::fprintf(stderr, "mqttbed: authorizer: --listen %s: expected HOST:PORT\n",
                 options.listen_address.c_str());
    return kBadInput;
  }
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  // Blocked before the server's threads start, so only sigwait below receives them.
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  try {
    authorizer::AuthorizerServer server(scenario, options.live.pki_dir);
    server.on_refusal([](const std::string& line) {
      std::fprintf(stderr, "%s\n", line.c_str());
      std::fflush(stderr);
    });
    const std::string host = options.listen_address.substr(0, colon);
    const int bound = server.start(host, port);
    std::printf("mqttbed authorizer listening on %s:%d\n", host.c_str(), bound);
    std::fflush(stdout);
    int received = 0;
    sigwait(&stop_signals, &received);
    server.stop();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "mqttbed: authorizer: %s\n", error.what());
    return kRuntimeError;
  }
  return kPassed;
}

int dispatch(const Options& options) {
  switch (options.command) {
    case Options::Command::help:
      std::fputs(help_text().c_str(), stdout);
      return kPassed;
    case Options::Command::version:
      std::printf("mqttbed %s\n", run::mqttbed_version().c_str());
      return kPassed;
    case Options::Command::validate:
      return validate(options);
    case Options::Command::run:
      return run_command(options);
    case Options::Command::check:
      return check_command(options);
    case Options::Command::report:
      return report_command(options);
    case Options::Command::probe:
      return probe_command(options);
    case Options::Command::broker_config:
      return broker_config_command(options);
    case Options::Command::shard:
      return shard_command(options);
    case Options::Command::authorizer:
      return authorizer_command(options);
    case Options::Command::compare:
      return compare_command(options);
  }
  return kBadInput;
}

}  // namespace
}  // namespace mqttbed::cli

int main(int argc, char** argv) {
  using namespace mqttbed::cli;
  Options options;
  try {
    options = parse_options(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const UsageError& error) {
    std::fprintf(stderr, "mqttbed: %s\n", error.what());
    return kBadInput;
  }
  try {
    return dispatch(options);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "mqttbed: %s\n", error.what());
    return kRuntimeError;
  }
}
