// The device kinds by their YAML `kind:` name: what parameters each takes and how to
// build one. Adding a kind is one file pair plus one line in registry.cpp.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "devices/device.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::devices {

// Where a kind lives: in every home (per_home:), per account (per_account:), or once in
// the cloud (the shadow service, started by the runtime, never listed in a scenario).
enum class Placement { home, account, cloud };

struct KindInfo {
  std::string name;
  Placement placement = Placement::home;
  std::string summary;
  std::vector<scenario::ParamSpec> params;
  std::function<std::unique_ptr<Device>(DeviceContext context)> create;
};

// All kinds, by name.
const std::map<std::string, KindInfo>& registry();
// nullptr when unknown.
const KindInfo* find_kind(const std::string& name);

}  // namespace mqttbed::devices
