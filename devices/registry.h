// The device kinds by their YAML `kind:` name: what parameters each takes and how to
// build one. Adding a kind is one file pair plus one line in registry.cpp.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "devices/device.h"
#include "sim/scenario/loader.h"
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
  // Other devices address it by its client id (a thing with a shadow: the gateway relays to
  // it, apps command it): the fleet hands these ids to its home's and account's devices.
  bool is_thing = false;
  // The name of its test-only deliberate bug ("" = none), chosen with --broker-mutation.
  std::string misbehaviour = {};
};

// All kinds, by name.
const std::map<std::string, KindInfo>& registry();
// nullptr when unknown.
const KindInfo* find_kind(const std::string& name);

// What the scenario loader validates `fleet:` against: the home and account kinds (the
// cloud shadow service is started by the runtime, never listed in a scenario).
scenario::KindCatalog kind_catalog();
// Every parameter of `kind` at its default (the shadow service's, or a test's starting point).
scenario::Params default_params(const KindInfo& kind);

}  // namespace mqttbed::devices
