// Readers of fleet: — homes, accounts and device groups, with each group's params checked
// against the kind's ParamSpecs from the catalog.
#include <limits>

#include "sim/scenario/fleet_names.h"
#include "sim/scenario/readers.h"
#include "sim/scenario/units.h"

namespace mqttbed::scenario {
namespace {

constexpr std::int64_t kMaxHomes = 1'000'000;
constexpr std::int64_t kMaxGroupCount = 10'000;
constexpr std::int64_t kMaxDevices = 10'000'000;

std::vector<std::string> kind_names(const KindCatalog& kinds, const std::string& placement) {
  std::vector<std::string> names;
  for (const auto& [name, spec] : kinds) {
    if (placement.empty() || spec.placement == placement) names.push_back(name);
  }
  return names;
}

const KindSpec& read_kind(const Field& field, const KindCatalog& kinds,
                          const std::string& placement) {
  std::string name = field.is_scalar() ? field.as_string() : "";
  auto placed = kind_names(kinds, placement);
  std::string expected = "a " + placement + " kind: " + join_alternatives(placed);
  auto it = kinds.find(name);
  if (it == kinds.end()) {
    field.fail_expected(expected + did_you_mean(name, kind_names(kinds, "")));
  }
  if (it->second.placement != placement) {
    field.fail("found '" + name + "' (a kind placed per " + it->second.placement + "), expected " +
               expected);
  }
  return it->second;
}

// What the broker declares it refuses, checked at the value that asks for it: a payload over
// its limit (the kind must split it instead) or QoS 2 on a broker that never answers it.
void check_against_broker(const Field& group, const KindSpec& spec, const Params& params,
                          const BrokerSettings& broker) {
  const auto params_field = group.get("params");
  for (const ParamSpec& param : spec.params) {
    const bool too_big = param.one_payload && param.type == ParamType::size_bytes &&
                         params.get_int(param.name) > broker.payload_limit_bytes;
    const bool refused_qos =
        param.type == ParamType::qos && broker.qos2_unanswered && params.get_int(param.name) == 2;
    if (!too_big && !refused_qos) continue;
    const std::string why = too_big ? "found " + std::to_string(params.get_int(param.name)) + "B" +
                                          ", expected at most the broker's payload_limit (" +
                                          std::to_string(broker.payload_limit_bytes) + "B" +
                                          "; the envelope is counted in it, see docs/devices.md)"
                                    : "found QoS 2, expected 0 or 1: the broker (profile " +
                                          broker.profile + ") answers no QoS 2 request";
    std::optional<Field> value = params_field ? params_field->get(param.name) : std::nullopt;
    if (value) value->fail(why);
    group.require("kind").fail(param.name + " (default): " + why);
  }
}

std::vector<DeviceGroup> read_groups(const Field& field, const KindCatalog& kinds,
                                     const std::string& placement, const BrokerSettings& broker) {
  std::vector<DeviceGroup> groups;
  std::map<std::string, int> first_line;
  for (const Field& item : field.items()) {
    item.expect_keys({"kind", "count", "params"});
    Field kind = item.require("kind");
    const KindSpec& spec = read_kind(kind, kinds, placement);
    DeviceGroup group;
    group.kind = kind.as_string();
    group.mark = item.mark();
    // Client ids number devices per kind, so a second group of a kind would collide.
    auto [it, fresh] = first_line.emplace(group.kind, kind.mark().line);
    if (!fresh) {
      kind.fail("found kind '" + group.kind + "' again (first on line " +
                std::to_string(it->second) + "), expected each kind once per " + placement);
    }
    if (auto count = item.get("count")) {
      group.count = static_cast<int>(count->as_int(0, kMaxGroupCount));
    } else {
      group.count = 1;
    }
    group.params = read_params(item.get("params"), spec);
    check_against_broker(item, spec, group.params, broker);
    groups.push_back(std::move(group));
  }
  return groups;
}

}  // namespace

Fleet read_fleet(const Field& field, const KindCatalog& kinds, const BrokerSettings& broker) {
  field.expect_keys({"homes", "homes_per_account", "per_home", "per_account"});
  Fleet fleet;
  fleet.homes = static_cast<int>(field.require("homes").as_int(1, kMaxHomes));
  if (auto per_account = field.get("homes_per_account")) {
    fleet.homes_per_account = static_cast<int>(per_account->as_int(1, fleet.homes));
  }
  if (auto groups = field.get("per_home"))
    fleet.per_home = read_groups(*groups, kinds, "home", broker);
  if (auto groups = field.get("per_account")) {
    fleet.per_account = read_groups(*groups, kinds, "account", broker);
  }
  std::int64_t devices = device_count(fleet);
  if (devices == 0) {
    field.fail("found no devices, expected at least one device in per_home or per_account");
  }
  if (devices > kMaxDevices) {
    field.fail("found " + std::to_string(devices) + " devices, expected at most " +
               std::to_string(kMaxDevices));
  }
  return fleet;
}

}  // namespace mqttbed::scenario
