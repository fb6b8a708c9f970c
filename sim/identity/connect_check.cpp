#include "sim/identity/connect_check.h"

#include "sim/policy/evaluator.h"

namespace mqttbed::identity {

ConnectCheck check_connect(IdentityProvider& provider, const policy::Policy& policy,
                           const Credentials& presented, const std::string& client_id, Duration now,
                           Laxity laxity) {
  ConnectCheck check;
  Authentication auth = provider.authenticate(presented, now, laxity);
  if (auth.outcome != Authentication::Outcome::accepted) {
    check.reason = auth.reason;
    return check;
  }
  const policy::Decision decision = policy::CompiledPolicy(policy, *auth.principal, client_id)
                                        .decide(policy::Action::connect, client_id);
  check.reason = decision.reason;
  check.outcome =
      decision.allowed ? ConnectCheck::Outcome::accepted : ConnectCheck::Outcome::not_authorized;
  check.principal = std::move(auth.principal);
  check.expires = auth.expires;
  return check;
}

}  // namespace mqttbed::identity
