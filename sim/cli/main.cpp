// `mqttbed`: the command line. Maps every error to its exit code (see options.h); nothing
// below this file exits the process.
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "reports/renderer/report_html.h"
#include "sim/check/checks.h"
#include "sim/check/verdict_format.h"
#include "sim/cli/options.h"
#include "sim/cli/progress_line.h"
#include "sim/run/catalog.h"
#include "sim/run/pipeline.h"
#include "sim/scenario/loader.h"

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

int run_command(const Options& options) {
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
  // Live (docs/live.md): an unreachable broker throws live::BrokerUnreachable -> exit 3.
  run_options.live = options.live;
  ProgressLine progress(stderr);
  if (!options.quiet && isatty(fileno(stderr)))
    run_options.on_progress = [&progress](const fleet::Progress& p) { progress.update(p); };
  run::RunResult result = run::run_scenario(scenario, run_options);
  progress.finish();
  std::printf("%s: seed %llu, %llu devices, %.0f s %s in %.2f s wall\n",
              scenario.name.c_str(), static_cast<unsigned long long>(scenario.seed),
              static_cast<unsigned long long>(result.stats.devices),
              std::chrono::duration<double>(result.stats.end).count(),
              options.live.broker_url.empty() ? "virtual" : "live", result.wall_seconds);
  std::fputs(result.summary.c_str(), stdout);
  std::printf("%s  report: %s\n", result.passed ? "PASSED" : "FAILED", result.report_path.c_str());
  if (options.write_html) {
    std::string html_path = reports::default_html_path({result.report_path});
    reports::write_report_html(html_path, {result.report_path}, run::mqttbed_version());
    std::printf("        html: %s\n", html_path.c_str());
  }
  return result.passed ? kPassed : kViolated;
}

int check_command(const Options& options) {
  auto verdicts = check::check_history_file(options.files[0]);
  std::fputs(check::format_summary(verdicts).c_str(), stdout);
  bool passed = true;
  for (const auto& verdict : verdicts) passed = passed && verdict.passed;
  std::printf("%s\n", passed ? "PASSED" : "FAILED");
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

int dispatch(const Options& options) {
  switch (options.command) {
    case Options::Command::help: std::fputs(help_text().c_str(), stdout); return kPassed;
    case Options::Command::version:
      std::printf("mqttbed %s\n", run::mqttbed_version().c_str());
      return kPassed;
    case Options::Command::validate: return validate(options);
    case Options::Command::run: return run_command(options);
    case Options::Command::check: return check_command(options);
    case Options::Command::report: return report_command(options);
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
