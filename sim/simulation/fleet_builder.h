// Creates the scenario's devices (and the cloud shadow service) from the device registry,
// each with its identity, parameters and an RNG of its own.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "devices/device.h"
#include "sim/scenario/fleet_layout.h"

namespace mqttbed::simulation {

struct Fleet {
  std::vector<scenario::DeviceSlot> slots;
  std::vector<std::unique_ptr<devices::Device>> devices;  // slots' order, then the cloud
  std::map<std::string, devices::Device*> by_client;
  std::vector<std::string> phones;  // per-account client ids (each on a host of its own)
  std::deque<scenario::Params> cloud_params;  // the cloud kinds' parameters (outlive devices)
};

// Throws std::runtime_error for a kind the registry does not know.
// `shadow_reuse_version` is the test-only shadow-service misbehaviour.
void build_fleet(const scenario::Scenario& scenario, runtime::Runtime& runtime,
                 const devices::Observations& observations, bool shadow_reuse_version,
                 Fleet& fleet);

}  // namespace mqttbed::simulation
