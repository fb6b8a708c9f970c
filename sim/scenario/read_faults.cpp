// Reader of faults: — what breaks, when (scheduled at/for or random mtbf/mttr) and where.
// Each fault kind has its own required and forbidden keys and its own accepted targets.
#include <algorithm>
#include <map>

#include "sim/scenario/readers.h"
#include "sim/scenario/units.h"

namespace mqttbed::scenario {
namespace {

using std::chrono::milliseconds;

enum class Window { required, optional, forbidden };
enum class Scope { network, device, broker };

struct FaultRules {
  std::string name;
  Fault::Kind kind;
  std::vector<std::string> own_keys;  // keys only this kind takes
  Window window;                      // "for" when scheduled
  Scope scope;
};

const std::vector<FaultRules>& fault_rules() {
  static const std::vector<FaultRules> rules = {
      {"disconnect", Fault::Kind::disconnect, {"graceful"}, Window::optional, Scope::device},
      {"partition", Fault::Kind::partition, {}, Window::required, Scope::network},
      {"latency_spike",
       Fault::Kind::latency_spike,
       {"extra_latency"},
       Window::required,
       Scope::network},
      {"loss_burst", Fault::Kind::loss_burst, {"loss"}, Window::required, Scope::network},
      {"broker_crash", Fault::Kind::broker_crash, {"downtime"}, Window::forbidden, Scope::broker},
      {"device_reboot", Fault::Kind::device_reboot, {}, Window::optional, Scope::device},
  };
  return rules;
}

const std::vector<std::string> kCommonKeys = {"name", "kind", "target", "at",
                                              "for",  "mtbf", "mttr"};

const FaultRules& read_kind(const Field& field) {
  std::vector<std::string> names;
  for (const auto& rules : fault_rules()) names.push_back(rules.name);
  std::string name = field.is_scalar() ? field.as_string() : "";
  for (const auto& rules : fault_rules()) {
    if (rules.name == name) return rules;
  }
  field.fail_expected(join_alternatives(names) + did_you_mean(name, names));
}

// Keys of other fault kinds get a message naming where they belong.
void check_keys(const Field& field, const FaultRules& rules) {
  std::vector<std::string> all = kCommonKeys;
  for (const auto& other : fault_rules()) {
    for (const auto& key : other.own_keys) {
      if (std::find(all.begin(), all.end(), key) == all.end()) all.push_back(key);
    }
  }
  field.expect_keys(all);
  for (const auto& other : fault_rules()) {
    for (const auto& key : other.own_keys) {
      auto value = field.get(key);
      if (!value || other.kind == rules.kind) continue;
      value->fail_at_key("found key '" + key + "' in a " + rules.name +
                         " fault, expected it only in " + other.name + " faults");
    }
  }
}

// A scheduled window must end by the end of the run, or the fault never heals.
void check_ends_by(const Field& field, Duration start, Duration length, Duration run) {
  if (length > run - start) {  // not start + length: that could overflow
    field.fail_expected("a window ending by the end of the run (duration " +
                        units::format_duration(run) + "): at most " +
                        units::format_duration(run - start));
  }
}

void read_schedule(const Field& field, const FaultRules& rules, Duration run, Fault& fault) {
  auto at = field.get("at");
  auto mtbf = field.get("mtbf");
  auto mttr = field.get("mttr");
  auto window = field.get("for");
  if (at && (mtbf || mttr)) {
    (mtbf ? *mtbf : *mttr)
        .fail_at_key(
            "found both at and mtbf/mttr, expected either at (scheduled) or mtbf + mttr "
            "(random)");
  }
  if (!at) {
    if (!mtbf && !mttr) field.fail("missing 'at' (scheduled) or 'mtbf' + 'mttr' (random)");
    fault.mtbf = field.require("mtbf").as_duration(milliseconds(1));
    fault.mttr = field.require("mttr").as_duration(milliseconds(1));
    if (window) window->fail_at_key("found 'for' in a random fault, expected only mtbf + mttr");
    return;
  }
  fault.at = at->as_duration();
  if (*fault.at >= run) {
    at->fail_expected("a time before the end of the run (duration " + units::format_duration(run) +
                      ")");
  }
  if (window && rules.window == Window::forbidden) {
    window->fail_at_key("found 'for' in a " + rules.name + " fault, expected 'downtime' instead");
  }
  if (!window && rules.window == Window::required) field.require("for");
  if (window) {
    fault.duration = window->as_duration(milliseconds(1));
    check_ends_by(*window, *fault.at, *fault.duration, run);
  }
}

void read_kind_settings(const Field& field, const FaultRules& rules, Duration run, Fault& fault) {
  if (auto graceful = field.get("graceful")) fault.graceful = graceful->as_bool();
  if (rules.kind == Fault::Kind::latency_spike) {
    fault.extra_latency = field.require("extra_latency").as_duration(Duration{1});
  }
  if (rules.kind == Fault::Kind::loss_burst) fault.loss = field.require("loss").as_fraction();
  if (rules.kind != Fault::Kind::broker_crash) return;
  auto downtime = field.get("downtime");
  if (fault.at) {
    fault.downtime = field.require("downtime").as_duration(milliseconds(1));
    check_ends_by(field.require("downtime"), *fault.at, fault.downtime, run);
  } else if (downtime) {
    downtime->fail_at_key("found 'downtime' in a random broker_crash, expected mttr to give it");
  }
}

void check_target_scope(const Field& field, const FaultRules& rules, const Target& target) {
  bool ok = true;
  std::string expected;
  switch (rules.scope) {
    case Scope::broker:
      ok = target.kind == Target::Kind::broker;
      expected = "broker (a broker_crash acts on the broker only)";
      break;
    case Scope::device:
      ok = target.kind != Target::Kind::broker && target.kind != Target::Kind::isp;
      expected =
          "all, kind=NAME, homes[A:B] or name=ID[,ID...] (a " + rules.name + " acts on devices)";
      break;
    case Scope::network:
      ok = target.kind != Target::Kind::broker;
      expected = "all, isp, kind=NAME, homes[A:B] or name=ID[,ID...] (a " + rules.name +
                 " acts on links; use broker_crash for the broker)";
      break;
  }
  if (!ok) field.fail_expected(expected);
}

Fault read_fault(const Field& field, const Scenario& scenario) {
  if (!field.is_map()) field.fail_expected("a mapping with kind, target and at or mtbf");
  const FaultRules& rules = read_kind(field.require("kind"));
  check_keys(field, rules);
  Fault fault;
  fault.kind = rules.kind;
  fault.mark = field.mark();
  if (auto name = field.get("name")) {
    if (!name->is_scalar() || name->as_string().empty()) name->fail_expected("a non-empty name");
    fault.name = name->as_string();
  }
  auto target = field.get("target");
  if (!target && rules.scope == Scope::broker) {
    fault.target.kind = Target::Kind::broker;
    fault.target.text = "broker";
  } else {
    Field target_field = target ? *target : field.require("target");
    fault.target = read_target(target_field, scenario);
    check_target_scope(target_field, rules, fault.target);
  }
  read_schedule(field, rules, scenario.duration, fault);
  read_kind_settings(field, rules, scenario.duration, fault);
  return fault;
}

}  // namespace

std::vector<Fault> read_faults(const Field& field, const Scenario& scenario) {
  std::vector<Fault> faults;
  std::map<std::string, SourceMark> named;  // a name keys a random stream: once only
  for (const Field& item : field.items()) {
    faults.push_back(read_fault(item, scenario));
    const Fault& fault = faults.back();
    if (fault.name.empty()) continue;
    auto [first, fresh] = named.emplace(fault.name, item.require("name").mark());
    if (!fresh) {
      item.require("name").fail("found fault name '" + fault.name + "' again (first on line " +
                                std::to_string(first->second.line) + ":" +
                                std::to_string(first->second.column) +
                                "), expected each name once");
    }
  }
  return faults;
}

}  // namespace mqttbed::scenario
