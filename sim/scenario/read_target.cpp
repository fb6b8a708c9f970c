// Reader of a fault's target: "all", "isp", "broker", "kind=NAME", "homes[a:b]" or
// "name=ID[,ID...]", checked against the fleet so a target never silently selects nothing.
#include <set>

#include "sim/scenario/fleet_names.h"
#include "sim/scenario/readers.h"
#include "sim/scenario/units.h"

namespace mqttbed::scenario {
namespace {

const std::string kTargetForms = "all, isp, broker, kind=NAME, homes[A:B] or name=ID[,ID...]";

std::vector<std::string> fleet_kinds(const Fleet& fleet) {
  std::vector<std::string> kinds;
  for (const auto& group : fleet.per_home) kinds.push_back(group.kind);
  for (const auto& group : fleet.per_account) kinds.push_back(group.kind);
  return kinds;
}

std::string example_client(const Fleet& fleet) {
  for (const auto& group : fleet.per_home) {
    if (group.count > 0) return home_client_id(0, 0, group.kind, 0);
  }
  for (const auto& group : fleet.per_account) {
    if (group.count > 0) return account_client_id(0, group.kind, 0);
  }
  return "acct0-home0-light0";
}

void read_kind_target(const Field& field, const Fleet& fleet, Target& target) {
  target.kind = Target::Kind::device_kind;
  target.device_kind = target.text.substr(5);
  auto kinds = fleet_kinds(fleet);
  if (device_count(fleet, target.device_kind) == 0) {
    field.fail_expected("kind=NAME naming a kind with devices in the fleet (" +
                        join_alternatives(kinds) + ")" + did_you_mean(target.device_kind, kinds));
  }
}

void read_homes_target(const Field& field, const Fleet& fleet, Target& target) {
  const std::string expected =
      "homes[A:B] with 0 <= A < B <= " + std::to_string(fleet.homes) + " (half-open: homes A..B-1)";
  std::string_view inner(target.text);
  inner.remove_prefix(6);  // "homes["
  if (inner.empty() || inner.back() != ']') field.fail_expected(expected);
  inner.remove_suffix(1);
  auto colon = inner.find(':');
  if (colon == std::string_view::npos) field.fail_expected(expected);
  auto begin = units::parse_integer(inner.substr(0, colon));
  auto end = units::parse_integer(inner.substr(colon + 1));
  if (!begin || !end || *begin < 0 || *end <= *begin || *end > fleet.homes) {
    field.fail_expected(expected);
  }
  target.kind = Target::Kind::homes;
  target.home_begin = static_cast<int>(*begin);
  target.home_end = static_cast<int>(*end);
}

void read_names_target(const Field& field, const Fleet& fleet, Target& target) {
  target.kind = Target::Kind::names;
  std::string_view rest(target.text);
  rest.remove_prefix(5);  // "name="
  std::set<std::string, std::less<>> seen;
  while (true) {
    auto comma = rest.find(',');
    std::string name(rest.substr(0, comma));
    if (name.empty()) field.fail_expected("name=ID[,ID...] with no empty ids");
    if (!find_client(fleet, name)) {
      field.fail("found name '" + name + "' that is not in the fleet, expected a client id " +
                 "of it like " + example_client(fleet));
    }
    if (!seen.insert(name).second) {
      field.fail("found name '" + name + "' twice, expected each client once");
    }
    target.names.push_back(name);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
}

}  // namespace

Target read_target(const Field& field, const Scenario& scenario) {
  Target target;
  if (!field.is_scalar()) field.fail_expected(kTargetForms);
  target.text = field.as_string();
  const std::string& text = target.text;
  if (text == "all") {
    target.kind = Target::Kind::all;
  } else if (text == "isp") {
    target.kind = Target::Kind::isp;
  } else if (text == "broker") {
    target.kind = Target::Kind::broker;
  } else if (text.rfind("kind=", 0) == 0) {
    read_kind_target(field, scenario.fleet, target);
  } else if (text.rfind("homes[", 0) == 0) {
    read_homes_target(field, scenario.fleet, target);
  } else if (text.rfind("name=", 0) == 0) {
    read_names_target(field, scenario.fleet, target);
  } else {
    field.fail_expected(kTargetForms + did_you_mean(text, {"all", "isp", "broker"}));
  }
  return target;
}

}  // namespace mqttbed::scenario
