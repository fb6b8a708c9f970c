// Names and counts of a fleet's members without enumerating them: the loader checks name=
// targets of a 10,000-device fleet with these instead of building every DeviceSlot.
// Client ids (client_id.h) with homes numbered 0..homes-1 and A = H / homes_per_account.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/scenario/client_id.h"
#include "sim/scenario/fleet_layout.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::scenario {

// account_count() and account_of_home() come from fleet_layout.h (the last account may hold
// fewer homes); layout_fleet() there enumerates every client. The grammar: client_id.h.
// Every client in the fleet: homes x per_home counts + accounts x per_account counts.
std::int64_t device_count(const Fleet& fleet);
// Devices of one kind across the fleet (0 when the kind is not in it).
std::int64_t device_count(const Fleet& fleet, std::string_view kind);

// A client id taken apart; home is -1 for per-account clients.
struct ClientRef {
  int account = 0;
  int home = -1;
  std::string kind;
  int index = 0;
};
// nullopt unless `client_id` names a client this fleet actually has.
std::optional<ClientRef> find_client(const Fleet& fleet, std::string_view client_id);

}  // namespace mqttbed::scenario
