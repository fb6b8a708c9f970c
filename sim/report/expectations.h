// Judges a scenario's `expect:` thresholds against a run's metrics, and defines the metric
// paths an expectation may name (the loader checks them at load time with is_known_metric).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/report/metrics.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::report {

// Every metric path, documented in docs/report.md. "<kind>" stands for any device kind name
// ([a-z0-9_]+) and "<stat>" for p50, p90, p99, p999, max, min, mean, count. Durations are in
// seconds, rates per second, sizes in bytes, everything else plain counts.
const std::vector<std::string>& known_metric_paths();
bool is_known_metric(const std::string& path);

// The value of `path` in `metrics`; nullopt when the metric has no samples (a percentile of
// an empty histogram). Throws std::invalid_argument for an unknown path.
// Load-time check: throws scenario::ScenarioError at the first expectation whose metric is
// unknown (file:line:col of the entry, key path "expect.<metric>"). The CLI calls it right
// after loading, so a typo fails before the run rather than after it.
void validate_expectation_metrics(const scenario::Scenario& scenario);

std::optional<double> metric_value(const Metrics& metrics, const std::string& path);

struct ExpectationResult {
  scenario::Expectation expectation;
  std::optional<double> actual;  // nullopt: unknown path or no samples
  bool passed = false;
  std::string message;  // e.g. "latency.qos1.p99 = 0.0421 (expected < 0.5)"
};

// A missing sample or an unknown path fails the expectation: a threshold that cannot be
// checked must not pass silently.
std::vector<ExpectationResult> evaluate_expectations(
    const std::vector<scenario::Expectation>& expectations, const Metrics& metrics);

const char* to_string(scenario::Expectation::Op op);

}  // namespace mqttbed::report
