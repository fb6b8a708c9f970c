#include "sim/compare/compare_run.h"

#include <chrono>
#include <filesystem>

#include "sim/compare/compare_report.h"
#include "sim/compare/workload.h"
#include "sim/report/atomic_file.h"
#include "sim/run/pipeline.h"

namespace mqttbed::compare {

CompareResult run_compare(const scenario::Scenario& scenario, const CompareOptions& options) {
  std::string out_dir = options.out_dir.empty() ? "runs/" + scenario.name + "-" +
                                                      std::to_string(scenario.seed) + "-compare"
                                                : options.out_dir;
  std::filesystem::create_directories(out_dir);
  std::unique_ptr<WorkloadRecorder> recorder;
  run::RunOptions run_options;
  run_options.out_dir = (std::filesystem::path(out_dir) / "mqtt-run").string();
  run_options.observe = [&](history::History& history) {
    recorder = std::make_unique<WorkloadRecorder>(scenario, history);
    recorder->attach(history);
  };
  run::RunResult run = run::run_scenario(scenario, run_options);
  const double end = std::chrono::duration<double>(run.stats.end).count();
  Workload workload = recorder->finish(end);

  std::vector<TransportResult> results;
  for (const TransportSpec& spec : options.transports)
    results.push_back(replay(spec, workload, scenario, options.radios));
  nlohmann::json report = comparison_json(scenario, end, results, run.verdicts, options.radios);
  CompareResult result;
  result.report_json = (std::filesystem::path(out_dir) / "report.json").string();
  result.report_html = (std::filesystem::path(out_dir) / "report.html").string();
  report::write_file_atomically(result.report_json, report.dump(2) + "\n");
  report::write_file_atomically(result.report_html, comparison_html(report));
  result.table = comparison_table(report);
  return result;
}

}  // namespace mqttbed::compare
