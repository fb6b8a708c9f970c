// The custom authorizer's CONNECT step, whole: authenticate the credential (certificate or
// token, at virtual time), then ask the policy whether that principal may connect with the
// CONNECT's client id. A spoofed client id, or a certificate whose attributes name another
// device, authenticates and is then refused by iot:Connect.
#pragma once

#include <optional>
#include <string>

#include "sim/identity/identity_provider.h"
#include "sim/policy/policy.h"

namespace mqttbed::identity {

struct ConnectCheck {
  enum class Outcome { accepted, bad_credentials, not_authorized };
  Outcome outcome = Outcome::bad_credentials;
  std::string reason;  // the authentication failure or the policy's decision
  std::optional<policy::Principal> principal;
  std::optional<Duration> expires;  // a token's exp (+ skew) in virtual time
};

ConnectCheck check_connect(IdentityProvider& provider, const policy::Policy& policy,
                           const Credentials& presented, const std::string& client_id, Duration now,
                           Laxity laxity = {});

}  // namespace mqttbed::identity
