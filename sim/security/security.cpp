#include "sim/security/security.h"

#include "sim/scenario/principal_scheme.h"

namespace mqttbed::security {

PolicySetup policy_setup(const scenario::Scenario& scenario) {
  PolicySetup setup;
  setup.policy = scenario.policy ? std::make_shared<const policy::Policy>(*scenario.policy)
                                 : default_setup().policy;
  setup.partner_id = scenario.identity.partner_id;
  setup.seed = scenario.seed;
  setup.authenticates = scenario.identity.enabled;
  return setup;
}

PolicySetup default_setup() {
  static const auto policy = std::make_shared<const policy::Policy>(policy::default_policy());
  PolicySetup setup;
  setup.policy = policy;
  return setup;
}

Authorizer::Authorizer(const PolicySetup& setup)
    : evaluator_(setup.policy,
                 [partner = setup.partner_id, seed = setup.seed](const std::string& client_id) {
                   return scenario::fleet_principal(client_id, partner, seed);
                 }) {}

}  // namespace mqttbed::security
