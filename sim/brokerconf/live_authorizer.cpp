#include "sim/brokerconf/live_authorizer.h"

#include <chrono>

#include "sim/identity/certificates.h"
#include "sim/identity/identity_provider.h"
#include "sim/identity/pki_files.h"
#include "sim/identity/principal_of.h"
#include "sim/scenario/client_id.h"
#include "sim/security/security.h"

namespace mqttbed::brokerconf {

using identity::ConnectCheck;

LiveAuthorizer::LiveAuthorizer(const scenario::Scenario& scenario, std::string_view token_key_pem)
    : policy_(security::policy_setup(scenario).policy),
      skew_s_(
          std::chrono::duration_cast<std::chrono::seconds>(scenario.identity.clock_skew).count()) {
  tokens_.add_key(identity::IdentityProvider::token_key_id(),
                  identity::read_public_key_pem(token_key_pem));
}

ConnectCheck LiveAuthorizer::admit(const std::string& client_id, policy::Principal principal) {
  // The kind whose statements apply, read from the identity's own name as the simulated
  // provider does (IdentityProvider::authenticate).
  if (auto parts = scenario::parse_client_id(principal.thing_name)) principal.kind = parts->kind;
  ConnectCheck check;
  policy::CompiledPolicy compiled(*policy_, principal, client_id);
  policy::Decision decision = compiled.decide(policy::Action::connect, client_id);
  check.reason = decision.reason;
  check.principal = std::move(principal);
  if (!decision.allowed) {
    check.outcome = ConnectCheck::Outcome::not_authorized;
    clients_.erase(client_id);
    return check;
  }
  check.outcome = ConnectCheck::Outcome::accepted;
  clients_.insert_or_assign(client_id, std::move(compiled));
  return check;
}

ConnectCheck LiveAuthorizer::connect_with_token(const std::string& client_id,
                                                std::string_view token, std::int64_t now_s) {
  identity::TokenCheck token_check = tokens_.verify(token, now_s, skew_s_);
  if (token_check.error != identity::TokenError::none) {
    clients_.erase(client_id);
    ConnectCheck check;
    check.reason = std::string("token ") + identity::to_string(token_check.error);
    return check;
  }
  ConnectCheck check = admit(client_id, identity::principal_from_claims(token_check.claims, ""));
  check.expires =
      std::chrono::seconds(token_check.claims.exp + skew_s_ - identity::kScenarioEpochS);
  return check;
}

ConnectCheck LiveAuthorizer::connect_with_certificate(const std::string& client_id,
                                                      X509* certificate) {
  return connect_with_subject(client_id, identity::read_subject(certificate));
}

ConnectCheck LiveAuthorizer::connect_with_subject(const std::string& client_id,
                                                  const identity::CertificateSubject& subject) {
  if (subject.partner_id.empty() || subject.common_name.empty()) {
    clients_.erase(client_id);
    ConnectCheck check;
    check.reason =
        std::string("certificate ") + identity::to_string(identity::CertificateError::bad_subject);
    return check;
  }
  return admit(client_id, identity::principal_from_certificate(subject, ""));
}

policy::Decision LiveAuthorizer::decide(const std::string& client_id, policy::Action action,
                                        std::string_view name) const {
  auto it = clients_.find(client_id);
  if (it == clients_.end()) return {false, "no authenticated connection for " + client_id};
  return it->second.decide(action, name);
}

void LiveAuthorizer::forget(const std::string& client_id) { clients_.erase(client_id); }

}  // namespace mqttbed::brokerconf
