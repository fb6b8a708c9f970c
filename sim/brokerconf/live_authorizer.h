// The talk's custom authorizer as a real broker runs it (mqttbed's mosquitto plugin): a
// token's ES256 signature against the published key and its exp/nbf against the wall clock;
// a certificate's subject (the broker's TLS layer has verified its chain and the CRL); then
// the scenario's policy, through the one evaluator, on CONNECT and on every publish,
// subscribe and delivery. No broker code here, so it is tested without one.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "sim/identity/connect_check.h"
#include "sim/identity/jwt.h"
#include "sim/policy/evaluator.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::brokerconf {

class LiveAuthorizer {
 public:
  // `token_key_pem`: the identity provider's public key (pki_files.h's token-key.pem).
  LiveAuthorizer(const scenario::Scenario& scenario, std::string_view token_key_pem);

  // Authenticate, then iot:Connect for `client_id`; an accepted client's compiled policy is
  // kept for its later checks (replacing a previous connection's).
  identity::ConnectCheck connect_with_token(const std::string& client_id, std::string_view token,
                                            std::int64_t now_s);
  identity::ConnectCheck connect_with_certificate(const std::string& client_id, X509* certificate);
  // The subject of a certificate the broker's TLS layer verified (RabbitMQ hands over only its
  // distinguished name).
  identity::ConnectCheck connect_with_subject(const std::string& client_id,
                                              const identity::CertificateSubject& subject);
  // Denied for a client id that has no accepted connection here.
  policy::Decision decide(const std::string& client_id, policy::Action action,
                          std::string_view name) const;
  void forget(const std::string& client_id);

 private:
  identity::ConnectCheck admit(const std::string& client_id, policy::Principal principal);

  std::shared_ptr<const policy::Policy> policy_;
  identity::TokenVerifier tokens_;
  std::int64_t skew_s_;
  std::map<std::string, policy::CompiledPolicy, std::less<>> clients_;
};

}  // namespace mqttbed::brokerconf
