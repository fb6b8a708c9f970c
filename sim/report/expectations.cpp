#include "sim/report/expectations.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <stdexcept>

#include "sim/report/units.h"

namespace mqttbed::report {
namespace {

using Value = std::optional<double>;
using Scalar = std::function<Value(const Metrics&)>;

const char* const kKindGroup = "latency.kind.";

// The busiest bucket of a counter series, per second.
double peak_rate(const CounterSeries& series) {
  std::vector<std::uint64_t> totals = series.totals(0);
  std::uint64_t peak = totals.empty() ? 0 : *std::max_element(totals.begin(), totals.end());
  return static_cast<double>(peak) / to_seconds(series.step_ns());
}

const std::map<std::string, Scalar>& scalars() {
  static const std::map<std::string, Scalar> table = {
      {"published.count", [](const Metrics& m) { return Value(m.counters().published); }},
      {"published.bytes", [](const Metrics& m) { return Value(m.counters().published_bytes); }},
      {"published.rate.peak",
       [](const Metrics& m) { return Value(peak_rate(m.series().published_messages)); }},
      {"acked.count", [](const Metrics& m) { return Value(m.counters().acked); }},
      {"delivered.count", [](const Metrics& m) { return Value(m.counters().delivered); }},
      {"delivered.bytes", [](const Metrics& m) { return Value(m.counters().delivered_bytes); }},
      {"delivered.rate.peak",
       [](const Metrics& m) { return Value(peak_rate(m.series().delivered_messages)); }},
      {"delivered.retained",
       [](const Metrics& m) { return Value(m.counters().delivered_retained); }},
      {"delivered.duplicates",
       [](const Metrics& m) { return Value(m.counters().delivered_duplicates); }},
      {"delivered.unmatched",
       [](const Metrics& m) { return Value(m.counters().delivered_unmatched); }},
      {"connects", [](const Metrics& m) { return Value(m.counters().connects); }},
      {"reconnects", [](const Metrics& m) { return Value(m.counters().reconnects); }},
      {"connect.failures", [](const Metrics& m) { return Value(m.counters().connect_failures); }},
      {"connections.lost", [](const Metrics& m) { return Value(m.counters().connections_lost); }},
      {"disconnects", [](const Metrics& m) { return Value(m.counters().disconnects); }},
      {"connected.max", [](const Metrics& m) { return Value(m.counters().connected_max); }},
      {"wills.fired", [](const Metrics& m) { return Value(m.counters().wills_fired); }},
      {"wills.delivered", [](const Metrics& m) { return Value(m.counters().wills_delivered); }},
      {"faults.events", [](const Metrics& m) { return Value(m.counters().fault_events); }},
      {"broker.dropped",
       [](const Metrics& m) {
         return Value(m.broker().dropped_queue_full + m.broker().dropped_payload_limit);
       }},
      {"broker.dropped.queue_full",
       [](const Metrics& m) { return Value(m.broker().dropped_queue_full); }},
      {"broker.dropped.payload_limit",
       [](const Metrics& m) { return Value(m.broker().dropped_payload_limit); }},
      {"broker.denied", [](const Metrics& m) { return Value(m.broker().denied); }},
      {"broker.queued.max", [](const Metrics& m) { return Value(m.broker().queued_max); }},
      {"broker.connections.max",
       [](const Metrics& m) { return Value(m.broker().connections_max); }},
  };
  return table;
}

const std::vector<std::string>& stat_names() {
  static const std::vector<std::string> names = {"p50", "p90", "p99",  "p999",
                                                 "max", "min", "mean", "count"};
  return names;
}

const std::vector<std::string>& histogram_groups() {
  static const std::vector<std::string> groups = {"latency.all",        "latency.qos0",
                                                  "latency.qos1",       "latency.qos2",
                                                  "shadow.convergence", "command.round_trip"};
  return groups;
}

bool is_kind_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Splits "group.stat" at the last dot when `stat` is a histogram statistic.
bool split_histogram_path(const std::string& path, std::string& group, std::string& stat) {
  std::size_t dot = path.rfind('.');
  if (dot == std::string::npos) return false;
  stat = path.substr(dot + 1);
  group = path.substr(0, dot);
  if (std::find(stat_names().begin(), stat_names().end(), stat) == stat_names().end()) {
    return false;
  }
  if (group.rfind(kKindGroup, 0) == 0)
    return is_kind_name(group.substr(std::string(kKindGroup).size()));
  return std::find(histogram_groups().begin(), histogram_groups().end(), group) !=
         histogram_groups().end();
}

// nullptr: a kind that published nothing that was delivered (no samples).
const Histogram* histogram_for(const Metrics& metrics, const std::string& group) {
  if (group == "latency.all") return &metrics.latency_all();
  if (group == "latency.qos0") return &metrics.latency_qos(0);
  if (group == "latency.qos1") return &metrics.latency_qos(1);
  if (group == "latency.qos2") return &metrics.latency_qos(2);
  if (group == "shadow.convergence") return &metrics.shadow_convergence();
  if (group == "command.round_trip") return &metrics.command_round_trip();
  auto it = metrics.latency_by_kind().find(group.substr(std::string(kKindGroup).size()));
  return it == metrics.latency_by_kind().end() ? nullptr : &it->second;
}

Value histogram_stat(const Histogram* histogram, const std::string& stat) {
  if (stat == "count") return histogram ? static_cast<double>(histogram->count()) : 0.0;
  if (histogram == nullptr || histogram->empty()) return std::nullopt;
  if (stat == "max") return to_seconds(histogram->max());
  if (stat == "min") return to_seconds(histogram->min());
  if (stat == "mean") return to_seconds(histogram->mean());
  if (stat == "p50") return to_seconds(histogram->percentile(50));
  if (stat == "p90") return to_seconds(histogram->percentile(90));
  if (stat == "p99") return to_seconds(histogram->percentile(99));
  return to_seconds(histogram->percentile(99.9));  // p999
}

bool compare(double actual, scenario::Expectation::Op op, double wanted) {
  using Op = scenario::Expectation::Op;
  switch (op) {
    case Op::lt:
      return actual < wanted;
    case Op::le:
      return actual <= wanted;
    case Op::gt:
      return actual > wanted;
    case Op::ge:
      return actual >= wanted;
    case Op::eq:
      return std::fabs(actual - wanted) <= 1e-9 * std::max(1.0, std::fabs(wanted));
  }
  return false;
}

std::string format_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

}  // namespace

const std::vector<std::string>& known_metric_paths() {
  static const std::vector<std::string> paths = [] {
    std::vector<std::string> all;
    for (const auto& [path, scalar] : scalars()) all.push_back(path);
    for (const std::string& group : histogram_groups()) all.push_back(group + ".<stat>");
    all.push_back(std::string(kKindGroup) + "<kind>.<stat>");
    std::sort(all.begin(), all.end());
    return all;
  }();
  return paths;
}

bool is_known_metric(const std::string& path) {
  std::string group, stat;
  return scalars().count(path) != 0 || split_histogram_path(path, group, stat);
}

void validate_expectation_metrics(const scenario::Scenario& scenario) {
  for (const scenario::Expectation& expectation : scenario.expect) {
    if (is_known_metric(expectation.metric)) continue;
    throw scenario::ScenarioError(
        scenario.file, expectation.mark.line, expectation.mark.column,
        "expect." + expectation.metric,
        "found unknown metric '" + expectation.metric +
            "', expected one of the paths in docs/report.md (e.g. latency.qos1.p99, "
            "latency.kind.<kind>.p99, reconnects, wills.fired, delivered.count)");
  }
}

std::optional<double> metric_value(const Metrics& metrics, const std::string& path) {
  if (auto it = scalars().find(path); it != scalars().end()) return it->second(metrics);
  std::string group, stat;
  if (!split_histogram_path(path, group, stat)) {
    throw std::invalid_argument("unknown metric '" + path + "'");
  }
  return histogram_stat(histogram_for(metrics, group), stat);
}

std::vector<ExpectationResult> evaluate_expectations(
    const std::vector<scenario::Expectation>& expectations, const Metrics& metrics) {
  std::vector<ExpectationResult> results;
  for (const scenario::Expectation& expectation : expectations) {
    ExpectationResult result{expectation, std::nullopt, false, ""};
    std::string wanted =
        std::string(to_string(expectation.op)) + " " + format_number(expectation.value);
    if (!is_known_metric(expectation.metric)) {
      result.message = "unknown metric '" + expectation.metric + "'";
    } else if (result.actual = metric_value(metrics, expectation.metric); !result.actual) {
      result.message = expectation.metric + " has no samples (expected " + wanted + ")";
    } else {
      result.passed = compare(*result.actual, expectation.op, expectation.value);
      result.message =
          expectation.metric + " = " + format_number(*result.actual) + " (expected " + wanted + ")";
    }
    results.push_back(std::move(result));
  }
  return results;
}

const char* to_string(scenario::Expectation::Op op) {
  using Op = scenario::Expectation::Op;
  switch (op) {
    case Op::lt:
      return "<";
    case Op::le:
      return "<=";
    case Op::gt:
      return ">";
    case Op::ge:
      return ">=";
    case Op::eq:
      return "==";
  }
  return "?";
}

}  // namespace mqttbed::report
