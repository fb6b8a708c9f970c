#include "sim/simulation/fleet_builder.h"

#include <stdexcept>

#include "devices/naming.h"
#include "devices/registry.h"

namespace mqttbed::simulation {

namespace {

const devices::KindInfo& kind_info(const std::string& name) {
  const devices::KindInfo* info = devices::find_kind(name);
  if (info == nullptr) throw std::runtime_error("unknown device kind '" + name + "'");
  return *info;
}

devices::DeviceIdentity identity_of(const scenario::DeviceSlot& slot) {
  return slot.home >= 0 ? devices::home_identity(slot.account, slot.home, slot.kind, slot.index)
                        : devices::account_identity(slot.account, slot.kind, slot.index);
}

}  // namespace

void build_fleet(const scenario::Scenario& scenario, runtime::Runtime& runtime,
                 const devices::Observations& observations, bool shadow_reuse_version,
                 Fleet& fleet) {
  fleet.slots = scenario::layout_fleet(scenario.fleet);
  // Things (lights) by home and by account, so gateways and apps know what to address.
  std::map<int, std::vector<std::string>> home_things, account_things;
  for (const auto& slot : fleet.slots) {
    if (slot.kind != "light") continue;
    home_things[slot.home].push_back(slot.client_id);
    account_things[slot.account].push_back(slot.client_id);
  }
  for (const auto& slot : fleet.slots) {
    const auto& info = kind_info(slot.kind);
    if (slot.home < 0) fleet.phones.push_back(slot.client_id);
    devices::DeviceContext context{
        runtime,
        runtime::derive_rng(scenario.seed, slot.client_id),
        identity_of(slot),
        slot.group->params,
        scenario.mqtt,
        slot.home >= 0 ? home_things[slot.home] : account_things[slot.account],
        observations};
    auto device = info.create(std::move(context));
    fleet.by_client[slot.client_id] = device.get();
    fleet.devices.push_back(std::move(device));
  }
  for (const auto& [name, info] : devices::registry()) {
    if (info.placement != devices::Placement::cloud) continue;
    scenario::Params& params = fleet.cloud_params.emplace_back(devices::default_params(info));
    if (shadow_reuse_version && params.has("reuse_version")) params.set("reuse_version", true);
    devices::DeviceIdentity identity = devices::shadow_identity();
    devices::DeviceContext context{runtime,
                                   runtime::derive_rng(scenario.seed, identity.client_id),
                                   identity,
                                   params,
                                   scenario.mqtt,
                                   {},
                                   observations};
    auto device = info.create(std::move(context));
    fleet.by_client[identity.client_id] = device.get();
    fleet.devices.push_back(std::move(device));
  }
}

}  // namespace mqttbed::simulation
