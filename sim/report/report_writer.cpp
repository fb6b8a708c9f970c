#include "sim/report/report_writer.h"

#include <algorithm>

#include "sim/report/metrics_json.h"
#include "sim/report/units.h"

namespace mqttbed::report {
namespace {

using nlohmann::ordered_json;
using scenario::Fault;

ordered_json groups_json(const std::vector<scenario::DeviceGroup>& groups) {
  ordered_json json = ordered_json::array();
  for (const scenario::DeviceGroup& group : groups) {
    json.push_back(ordered_json{{"kind", group.kind}, {"count", group.count}});
  }
  return json;
}

ordered_json fleet_json(const scenario::Fleet& fleet) {
  int per_account = std::max(fleet.homes_per_account, 1);
  std::int64_t accounts = (fleet.homes + per_account - 1) / per_account;
  std::int64_t per_home_devices = 0;
  std::int64_t per_account_clients = 0;
  for (const auto& group : fleet.per_home) per_home_devices += group.count;
  for (const auto& group : fleet.per_account) per_account_clients += group.count;
  return ordered_json{{"homes", fleet.homes},
                      {"homes_per_account", fleet.homes_per_account},
                      {"accounts", accounts},
                      {"per_home", groups_json(fleet.per_home)},
                      {"per_account", groups_json(fleet.per_account)},
                      {"clients", fleet.homes * per_home_devices + accounts * per_account_clients}};
}

ordered_json fault_json(const Fault& fault) {
  ordered_json json{{"kind", scenario::to_string(fault.kind)}, {"target", fault.target.text}};
  if (fault.at) json["at_s"] = to_seconds(*fault.at);
  if (fault.duration) json["for_s"] = to_seconds(*fault.duration);
  if (fault.mtbf) json["mtbf_s"] = to_seconds(*fault.mtbf);
  if (fault.mttr) json["mttr_s"] = to_seconds(*fault.mttr);
  if (fault.kind == Fault::Kind::disconnect) json["graceful"] = fault.graceful;
  if (fault.kind == Fault::Kind::latency_spike)
    json["extra_latency_s"] = to_seconds(fault.extra_latency);
  if (fault.kind == Fault::Kind::loss_burst) json["loss"] = fault.loss;
  if (fault.kind == Fault::Kind::broker_crash) json["downtime_s"] = to_seconds(fault.downtime);
  return json;
}

ordered_json scenario_json(const scenario::Scenario& scenario) {
  ordered_json faults = ordered_json::array();
  for (const Fault& fault : scenario.faults) faults.push_back(fault_json(fault));
  ordered_json checks = scenario.checks;
  return ordered_json{{"name", scenario.name},
                      {"file", scenario.file},
                      {"seed", scenario.seed},
                      {"duration_s", to_seconds(scenario.duration)},
                      {"settle_s", to_seconds(scenario.settle)},
                      {"fleet", fleet_json(scenario.fleet)},
                      {"faults", std::move(faults)},
                      {"checks", std::move(checks)}};
}

ordered_json expectations_json(const std::vector<ExpectationResult>& results) {
  ordered_json json = ordered_json::array();
  for (const ExpectationResult& result : results) {
    ordered_json entry{{"metric", result.expectation.metric},
                       {"op", to_string(result.expectation.op)},
                       {"value", result.expectation.value},
                       {"text", result.expectation.text},
                       {"actual", nullptr},
                       {"passed", result.passed},
                       {"message", result.message}};
    if (result.actual) entry["actual"] = *result.actual;
    if (result.expectation.mark.line > 0) entry["line"] = result.expectation.mark.line;
    json.push_back(std::move(entry));
  }
  return json;
}

bool verdict_passed(const nlohmann::json& verdict) {
  auto it = verdict.find("passed");
  return it != verdict.end() && it->is_boolean() && it->get<bool>();
}

// Checkers list only the first few violations in full; "violation_count" is the total.
std::uint64_t verdict_violations(const nlohmann::json& verdict) {
  for (const char* key : {"violation_count", "violations"}) {
    auto it = verdict.find(key);
    if (it == verdict.end()) continue;
    if (it->is_array()) return it->size();
    if (it->is_number_integer() && it->get<std::int64_t>() > 0) return it->get<std::uint64_t>();
    if (it->is_number_integer()) return 0;
  }
  return 0;
}

ordered_json summary_json(const ReportInput& input) {
  std::uint64_t verdicts_passed = 0;
  std::uint64_t violations = 0;
  for (const nlohmann::json& verdict : input.verdicts) {
    verdicts_passed += verdict_passed(verdict) ? 1 : 0;
    violations += verdict_violations(verdict);
  }
  std::uint64_t expectations_passed = 0;
  for (const ExpectationResult& result : input.expectations) {
    expectations_passed += result.passed ? 1 : 0;
  }
  std::uint64_t verdicts = input.verdicts.size();
  std::uint64_t expectations = input.expectations.size();
  return ordered_json{
      {"passed", report_passed(input.verdicts, input.expectations)},
      {"verdicts",
       {{"total", verdicts}, {"passed", verdicts_passed}, {"failed", verdicts - verdicts_passed}}},
      {"violations", violations},
      {"expectations",
       {{"total", expectations},
        {"passed", expectations_passed},
        {"failed", expectations - expectations_passed}}}};
}

ordered_json wall_clock_json(const WallClock& wall) {
  double rate = wall.wall_seconds > 0 ? static_cast<double>(wall.events) / wall.wall_seconds : 0;
  return ordered_json{{"started_at", wall.started_at},
                      {"wall_seconds", wall.wall_seconds},
                      {"events", wall.events},
                      {"events_per_second", rate}};
}

// nlohmann::json keeps object keys sorted, so converting it preserves a deterministic order.
ordered_json verdicts_json(const nlohmann::json& verdicts) {
  ordered_json json = ordered_json::parse(verdicts.dump());
  return json.is_array() ? json : ordered_json::array({json});
}

}  // namespace

bool report_passed(const nlohmann::json& verdicts, const std::vector<ExpectationResult>& results) {
  for (const nlohmann::json& verdict : verdicts) {
    if (!verdict_passed(verdict)) return false;
  }
  for (const ExpectationResult& result : results) {
    if (!result.passed) return false;
  }
  return true;
}

// The clients named by violations, in report order, each once.
static std::vector<std::string> violation_clients(const nlohmann::json& verdicts) {
  std::vector<std::string> names;
  auto each = [&](const nlohmann::json& verdict) {
    if (!verdict.is_object() || !verdict.contains("violations")) return;
    const nlohmann::json& violations = verdict["violations"];
    if (!violations.is_array()) return;
    for (const nlohmann::json& violation : violations) {
      if (!violation.is_object() || !violation.contains("clients")) continue;
      for (const nlohmann::json& name : violation["clients"]) {
        if (name.is_string() &&
            std::find(names.begin(), names.end(), name.get<std::string>()) == names.end()) {
          names.push_back(name.get<std::string>());
        }
      }
    }
  };
  if (verdicts.is_array()) {
    for (const nlohmann::json& verdict : verdicts) each(verdict);
  } else {
    each(verdicts);
  }
  return names;
}

ordered_json build_report(const ReportInput& input) {
  return ordered_json{{"schema_version", kReportSchemaVersion},
                      {"mqttbed_version", input.mqttbed_version},
                      {"mode", input.mode},
                      {"scenario", scenario_json(input.scenario)},
                      {"summary", summary_json(input)},
                      {"verdicts", verdicts_json(input.verdicts)},
                      {"expectations", expectations_json(input.expectations)},
                      {"metrics", metrics_json(input.metrics, violation_clients(input.verdicts))},
                      {"wall_clock", wall_clock_json(input.wall_clock)}};
}

std::string render_report(const ReportInput& input) {
  // Non-finite numbers have no JSON form; nlohmann writes null, which stays deterministic.
  return build_report(input).dump(2) + "\n";
}

void write_report(const std::string& path, const ReportInput& input) {
  write_file_atomically(path, render_report(input));
}

}  // namespace mqttbed::report
