// Builds one device of a registered kind on the fake runtime, with its parameters at their
// defaults unless a test overrides them, so each test states only what it is about.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "devices/naming.h"
#include "devices/registry.h"
#include "tests/devices/fake_runtime.h"

namespace mqttbed::testing {

struct DeviceHarness {
  FakeRuntime runtime;
  scenario::MqttSettings mqtt;
  scenario::Params params;
  devices::Observations observations;
  std::vector<std::string> things;
  std::uint64_t seed = 42;
  bool misbehave = false;

  explicit DeviceHarness(const std::string& kind)
      : params(devices::default_params(*devices::find_kind(kind))) {}

  std::unique_ptr<devices::Device> make(const devices::DeviceIdentity& identity) {
    devices::DeviceContext context{runtime,      runtime::derive_rng(seed, identity.client_id),
                                   identity,     params,
                                   mqtt,         things,
                                   observations, misbehave};
    return devices::find_kind(identity.kind)->create(std::move(context));
  }

  FakeMqttClient& client(const std::string& client_id) {
    FakeMqttClient* found = runtime.client(client_id);
    if (found == nullptr) throw std::runtime_error("no client " + client_id);
    return *found;
  }
};

inline nlohmann::json parse(const std::string& payload) { return nlohmann::json::parse(payload); }

}  // namespace mqttbed::testing
