// The identity scheme over the fleet's names (docs/security.md): which principal each client
// id stands for, as its certificate or token carries it. Home devices hold certificates
// (O = partner, OU = account, CN = "home{H}-{kind}{i}", serialNumber = installation UUID,
// UID = MAC); apps hold tokens (pid, aid, sub = "{kind}{i}"); the shadow service a service
// identity. The client id is derived from it: {OU}-{CN}, {aid}-{sub}, or the CN.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/policy/principal.h"

namespace mqttbed::scenario {

// The principal `client_id` stands for, variables filled as policy/variables.h names them;
// nullopt for ids outside the fleet grammar. Installation UUIDs and MACs derive from
// (seed, client id), so every run of a scenario names the same installations.
std::optional<policy::Principal> fleet_principal(std::string_view client_id,
                                                 std::string_view partner_id, std::uint64_t seed);

// "8c1e...-4...-8...": a version-4-shaped UUID derived from (seed, name).
std::string installation_uuid(std::uint64_t seed, std::string_view name);
// "02:xx:xx:xx:xx:xx": a locally administered MAC derived from (seed, name).
std::string mac_address(std::uint64_t seed, std::string_view name);

}  // namespace mqttbed::scenario
