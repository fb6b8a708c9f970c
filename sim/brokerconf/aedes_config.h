// aedes configuration generated from a scenario (docs/security.md): aedes.json, read by
// tests/live/brokers/aedes/server.js --config, naming the TLS listeners (client certificate
// required and checked against the scenario CA and CRL; tokens as passwords), the test PKI
// and the authorizer endpoint its authenticate/authorizePublish/authorizeSubscribe hooks ask.
#pragma once

#include <filesystem>
#include <vector>

#include "sim/brokerconf/rabbitmq_config.h"
#include "sim/identity/identity_provider.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::brokerconf {

inline constexpr const char* kAedesConfig = "aedes.json";

// Writes pki/ and aedes.json under `out`; returns every file written.
std::vector<std::filesystem::path> write_aedes_config(identity::IdentityProvider& provider,
                                                      const scenario::Scenario& scenario,
                                                      const std::filesystem::path& out,
                                                      const ServedBrokerOptions& options);

}  // namespace mqttbed::brokerconf
