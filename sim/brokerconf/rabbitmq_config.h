// RabbitMQ 3.10 configuration generated from a scenario (docs/security.md): two MQTT TLS
// listeners checking client certificates against the scenario CA and its CRL, certificate
// login by distinguished name, and rabbitmq_auth_backend_http asking mqttbed's authorizer
// endpoint (sim/authorizer) for every login, vhost, resource and topic decision. Also the
// two translations the endpoint needs: RabbitMQ's DN text back to the subject, and its
// routing keys back to MQTT topics.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/identity/certificates.h"
#include "sim/identity/identity_provider.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::brokerconf {

// Where the generated broker listens and where it finds the authorizer endpoint.
struct ServedBrokerOptions {
  std::string host = "127.0.0.1";
  int certificate_port = 8883;  // home devices and the shadow service present a certificate
  int token_port = 8884;        // apps: the token as the MQTT password
  std::string authorizer = "127.0.0.1:8885";  // host:port of `mqttbed authorizer`
  std::int64_t now_s = 0;                     // wall clock (Unix seconds): tokens and CRL
};

inline constexpr const char* kRabbitmqConf = "rabbitmq.conf";
inline constexpr const char* kRabbitmqAdvancedConfig = "advanced.config";
inline constexpr const char* kRabbitmqEnabledPlugins = "enabled_plugins";
inline constexpr const char* kCrlHashFolder = "crls";  // Erlang's ssl_crl_hash_dir

// Writes pki/ (pki_files.h), pki/crls/<issuer hash>.r0, rabbitmq.conf, advanced.config and
// enabled_plugins under `out`; returns every file written.
std::vector<std::filesystem::path> write_rabbitmq_config(identity::IdentityProvider& provider,
                                                         const scenario::Scenario& scenario,
                                                         const std::filesystem::path& out,
                                                         const ServedBrokerOptions& options);

// The subject RabbitMQ's certificate login hands over as the user name
// ("UID=aa:bb,SERIALNUMBER=…,CN=home0-gateway0,OU=acct0,O=xfinity", RFC 4514 order and
// escapes); nullopt when it is not a distinguished name.
std::optional<identity::CertificateSubject> parse_distinguished_name(std::string_view dn);

// RabbitMQ's MQTT plugin turns topic levels into routing-key words ('/' -> '.', and in a
// filter '+' -> '*'); a '.' inside an MQTT level becomes a word separator too, so the
// translation back reads every '.' as '/': the topic the key routes like, which is the one
// whose access matters.
std::string topic_from_routing_key(std::string_view routing_key, bool filter);

}  // namespace mqttbed::brokerconf
