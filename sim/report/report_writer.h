// Builds report.json from a finished run (scenario, checker verdicts, expectations, metrics)
// and writes it atomically. Everything outside `wall_clock` is a pure function of the
// scenario and seed, so two runs of the same seed give byte-identical reports.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/report/atomic_file.h"
#include "sim/report/expectations.h"
#include "sim/report/metrics.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::report {

inline constexpr int kReportSchemaVersion = 1;

// Measured on the host, so never part of the deterministic body.
struct WallClock {
  std::string started_at;  // ISO 8601 UTC, e.g. "2026-11-27T12:00:00Z"
  double wall_seconds = 0;
  std::uint64_t events = 0;  // history events processed
};

struct ReportInput {
  const scenario::Scenario& scenario;
  std::string mqttbed_version;
  // One JSON object per checker, as check::to_json produces it. Each must carry a boolean
  // "passed" (a verdict without it counts as failed); "violation_count" (or else the size of
  // "violations") adds to the summary's violation total.
  const nlohmann::json& verdicts;
  const std::vector<ExpectationResult>& expectations;
  const Metrics& metrics;
  WallClock wall_clock;
  // "simulated" (time axis = virtual time) or "live" (time axis = wall clock since start).
  std::string mode = "simulated";
};

// The whole report; keys in a fixed order, `wall_clock` last.
nlohmann::ordered_json build_report(const ReportInput& input);
// Pretty-printed (2-space indent) with a trailing newline.
std::string render_report(const ReportInput& input);
// True when the run passed: every verdict's "passed" is true and every expectation holds.
bool report_passed(const nlohmann::json& verdicts, const std::vector<ExpectationResult>& results);
// Renders the report and writes it with write_file_atomically (throws WriteError).
void write_report(const std::string& path, const ReportInput& input);

}  // namespace mqttbed::report
