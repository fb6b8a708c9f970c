// Test-only misbehaviour a run can be asked for (`--broker-mutation NAME`), parsed once at
// the edge: a broker-model mutation, or a device kind's deliberate bug. Each exists to prove
// that the checker of the promise it breaks can fail.
#pragma once

#include <string>
#include <vector>

#include "sim/broker/broker.h"

namespace mqttbed::fleet {

struct Misbehaviour {
  broker::Mutation broker = broker::Mutation::none;
  std::string device_kind;  // the kind whose KindInfo::misbehaviour is on ("" = none)

  bool none() const { return broker == broker::Mutation::none && device_kind.empty(); }
};

// "" is none. Throws std::invalid_argument naming `name` and listing every known name.
Misbehaviour parse_misbehaviour(const std::string& name);
// The broker mutations' and device kinds' misbehaviour names, for help and errors.
std::vector<std::string> misbehaviour_names();

}  // namespace mqttbed::fleet
