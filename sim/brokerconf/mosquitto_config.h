// mosquitto 2.0 configuration generated from a scenario: the test PKI (pki_files.h), a TLS
// listener that requires a client certificate from the scenario CA (CRL checked), a TLS
// listener for token (JWT-as-password) logins, mqttbed's authorizer plugin (the policy on
// every connect and ACL check), and the policy's ACL-file rendering where one exists.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/identity/identity_provider.h"
#include "sim/policy/policy.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::brokerconf {

struct MosquittoConfigOptions {
  std::string host = "127.0.0.1";
  int certificate_port = 8883;   // client certificate required (home devices, shadow service)
  int token_port = 8884;         // server-authenticated TLS; the app's token is the password
  std::filesystem::path plugin;  // mqttbed_mosquitto_auth.so
  std::filesystem::path scenario_file;  // the plugin reads the policy from it
  std::int64_t now_s = 0;               // wall clock (Unix seconds): tokens and CRL
};

// The mosquitto.conf / acl / pki layout under the output folder.
inline constexpr const char* kMosquittoConf = "mosquitto.conf";
inline constexpr const char* kMosquittoAcl = "acl";
inline constexpr const char* kPkiFolder = "pki";

// Writes pki/, acl and mosquitto.conf under `out` (absolute paths inside, so mosquitto can be
// started from anywhere); returns every file written. `provider` issues the identities (the
// scenario's, built from its identity settings and seed); its CRL lists every certificate it
// revoked so far.
std::vector<std::filesystem::path> write_mosquitto_config(identity::IdentityProvider& provider,
                                                          const scenario::Scenario& scenario,
                                                          const std::filesystem::path& out,
                                                          const MosquittoConfigOptions& options);

// The policy as a mosquitto ACL file: `pattern` lines for the statements an ACL file can
// express (literal topics, ${iot:ClientId} as a whole level -> %c, a trailing "/*" -> "/#",
// documents attached to every kind), a comment naming each one it cannot and why.
std::string mosquitto_acl(const policy::Policy& policy);

}  // namespace mqttbed::brokerconf
