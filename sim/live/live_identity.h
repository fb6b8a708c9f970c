// Live clients holding the scenario's identities (--pki DIR, the folder `mqttbed
// broker-config` wrote): a home device or the shadow service presents its certificate and
// key in the TLS handshake, an app sends its token as the MQTT password (as the talk's mobile
// clients do) to the token listener, which broker-config puts on the broker port + 1.
#pragma once

#include <mqtt/connect_options.h>

#include <string>

#include "sim/live/live_options.h"

namespace mqttbed::live {

// Sets TLS (trust store: --cafile, else DIR/ca.crt) and, with --pki, the client's own
// credential (its token replaces any user name and password set before). No TLS without
// either option.
// Throws std::runtime_error when the folder holds no identity for `client_id`.
void apply_identity(::mqtt::connect_options& connect, const LiveOptions& options,
                    const std::string& client_id);
// Where `client_id` connects: the token listener for a token holder, else `uri`.
std::string identity_uri(const std::string& uri, const LiveOptions& options,
                         const std::string& client_id);

}  // namespace mqttbed::live
