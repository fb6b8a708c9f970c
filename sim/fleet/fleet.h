// The fleet a run plays, built from the scenario and the device registry whatever the
// runtime: every device with its identity, parameters and an RNG of its own, then the cloud
// services (the shadow service), which no scenario lists.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "devices/device.h"
#include "sim/fleet/misbehaviour.h"
#include "sim/fleet/shard.h"
#include "sim/scenario/fleet_layout.h"

namespace mqttbed::fleet {

struct Fleet {
  std::vector<scenario::DeviceSlot> slots;
  std::vector<std::unique_ptr<devices::Device>> devices;  // slots' order, then the cloud
  std::vector<std::string> client_ids;                    // of `devices`, in the same order
  std::map<std::string, devices::Device*> by_client;
  std::vector<std::string> phones;            // per-account client ids (each on a host of its own)
  std::deque<scenario::Params> cloud_params;  // the cloud kinds' parameters (outlive devices)

  // True for a cloud service (index past the slots).
  bool is_cloud(std::size_t device) const { return device >= slots.size(); }
};

// Throws std::runtime_error for a kind the registry does not know. The kind named by
// `misbehaviour.device_kind` is built with its deliberate bug on. A shard builds the devices
// of its accounts and a shadow service of its own that serves only their things.
void build_fleet(const scenario::Scenario& scenario, runtime::Runtime& runtime,
                 const devices::Observations& observations, const Misbehaviour& misbehaviour,
                 Fleet& fleet, Shard shard = {});

}  // namespace mqttbed::fleet
