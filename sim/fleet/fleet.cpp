#include "sim/fleet/fleet.h"

#include <stdexcept>

#include "devices/naming.h"
#include "devices/registry.h"

namespace mqttbed::fleet {

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

void add_device(Fleet& fleet, const std::string& client_id,
                std::unique_ptr<devices::Device> device) {
  fleet.by_client[client_id] = device.get();
  fleet.client_ids.push_back(client_id);
  fleet.devices.push_back(std::move(device));
}

}  // namespace

void build_fleet(const scenario::Scenario& scenario, runtime::Runtime& runtime,
                 const devices::Observations& observations, const Misbehaviour& misbehaviour,
                 Fleet& fleet, Shard shard) {
  fleet.slots = shard_slots(scenario::layout_fleet(scenario.fleet), shard);
  // The things (kinds others address) by home and by account, so the devices that relay to
  // them or command them know their names.
  std::map<int, std::vector<std::string>> home_things, account_things;
  for (const auto& slot : fleet.slots) {
    if (!kind_info(slot.kind).is_thing) continue;
    home_things[slot.home].push_back(slot.client_id);
    account_things[slot.account].push_back(slot.client_id);
  }
  for (const auto& slot : fleet.slots) {
    const auto& info = kind_info(slot.kind);
    if (slot.home < 0) fleet.phones.push_back(slot.client_id);
    devices::DeviceContext context{
        runtime,           runtime::derive_rng(scenario.seed, slot.client_id),
        identity_of(slot), slot.group->params,
        scenario.mqtt,     slot.home >= 0 ? home_things[slot.home] : account_things[slot.account],
        observations,      misbehaviour.device_kind == slot.kind};
    add_device(fleet, slot.client_id, info.create(std::move(context)));
  }
  for (const auto& [name, info] : devices::registry()) {
    if (info.placement != devices::Placement::cloud) continue;
    const scenario::Params& params = fleet.cloud_params.emplace_back(devices::default_params(info));
    devices::DeviceIdentity identity = devices::shadow_identity();
    identity.client_id = shadow_client_id(shard);
    // Sharded, the service subscribes to its own things' shadows only: a "+" filter would
    // make the merged history say it was owed every other shard's updates too.
    std::vector<std::string> things;
    if (shard.sharded())
      for (const auto& slot : fleet.slots)
        if (kind_info(slot.kind).is_thing) things.push_back(slot.client_id);
    devices::DeviceContext context{
        runtime,       runtime::derive_rng(scenario.seed, identity.client_id),
        identity,      params,
        scenario.mqtt, std::move(things),
        observations,  misbehaviour.device_kind == name};
    add_device(fleet, identity.client_id, info.create(std::move(context)));
  }
}

}  // namespace mqttbed::fleet
