// The platform's custom authorizer (the seed talk's): the scenario's policy (default: the
// talk's account namespaces, policy::default_policy) evaluated by the one policy evaluator
// for the principal each client id stands for. The broker model and the checkers each build
// one from the same PolicySetup, so they cannot disagree.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sim/policy/evaluator.h"
#include "sim/scenario/client_id.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::security {

// The client id of the cloud shadow service, the only client outside every account.
using scenario::kShadowClientId;

// What an authorizer is built from: shared, immutable, cheap to copy across threads.
struct PolicySetup {
  std::shared_ptr<const policy::Policy> policy;
  std::string partner_id = "xfinity";
  std::uint64_t seed = 0;
  // The scenario's `identity:` is on: the broker checks credentials and iot:Connect on every
  // CONNECT. Off, a client is who its client id says, and a CONNECT cannot be refused.
  bool authenticates = false;
};
// The scenario's policy (or the default) and identity scheme.
PolicySetup policy_setup(const scenario::Scenario& scenario);
// The default policy over the default identity scheme: what a history file is judged by
// when no scenario is at hand.
PolicySetup default_setup();

// One evaluator with its per-principal cache; one per thread (not thread-safe).
class Authorizer {
 public:
  explicit Authorizer(const PolicySetup& setup);
  // `name`: the client id (connect), topic (publish, receive) or filter (subscribe).
  bool allows(const std::string& client_id, policy::Action action, std::string_view name) {
    return evaluator_.allows(client_id, action, name);
  }
  policy::Decision decide(const std::string& client_id, policy::Action action,
                          std::string_view name) {
    return evaluator_.decide(client_id, action, name);
  }

 private:
  policy::PolicyEvaluator evaluator_;
};

}  // namespace mqttbed::security
