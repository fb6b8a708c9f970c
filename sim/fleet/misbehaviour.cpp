#include "sim/fleet/misbehaviour.h"

#include <stdexcept>

#include "devices/registry.h"

namespace mqttbed::fleet {

std::vector<std::string> misbehaviour_names() {
  std::vector<std::string> names = broker::mutation_names();
  for (const auto& [kind, info] : devices::registry())
    if (!info.misbehaviour.empty()) names.push_back(info.misbehaviour);
  return names;
}

Misbehaviour parse_misbehaviour(const std::string& name) {
  Misbehaviour misbehaviour;
  if (name.empty()) return misbehaviour;
  for (const auto& [kind, info] : devices::registry()) {
    if (!info.misbehaviour.empty() && info.misbehaviour == name) {
      misbehaviour.device_kind = kind;
      return misbehaviour;
    }
  }
  try {
    misbehaviour.broker = broker::parse_mutation(name);
  } catch (const std::invalid_argument&) {
    std::string known;
    for (const std::string& each : misbehaviour_names())
      known += (known.empty() ? "" : ", ") + each;
    throw std::invalid_argument("unknown mutation \"" + name + "\" (known: " + known + ")");
  }
  return misbehaviour;
}

}  // namespace mqttbed::fleet
