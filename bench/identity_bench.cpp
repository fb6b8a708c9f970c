// What identities and authorization cost per operation (bench/RESULTS.md, issue 13): key
// derivation, certificate issue and check, token sign and verify, and one policy decision.
// Usage: identity_bench [iterations]
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "sim/identity/certificates.h"
#include "sim/identity/jwt.h"
#include "sim/identity/keys.h"
#include "sim/identity/principal_of.h"
#include "sim/scenario/principal_scheme.h"
#include "sim/security/security.h"

using namespace mqttbed;

namespace {

constexpr std::int64_t kEpoch = 1'767'225'600;

// Process CPU time, not wall time: the bench machine is shared.
double cpu_us() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

template <class F>
void measure(const char* what, int n, F body) {
  const double start = cpu_us();
  for (int i = 0; i < n; ++i) body(i);
  std::printf("%-38s %10.2f us CPU/op  (%d ops)\n", what, (cpu_us() - start) / n, n);
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 2000;
  identity::CertificateAuthority ca(1, "scenario CA", kEpoch, 10 * 365 * 86400);
  std::vector<identity::IssuedCertificate> certs;
  measure("derive P-256 key", n, [&](int i) { identity::derive_p256_key(1, std::to_string(i)); });
  measure("issue certificate (key + sign)", n, [&](int i) {
    const std::string id = scenario::home_client_id(i % 100, i, "light", 0);
    auto principal = scenario::fleet_principal(id, "xfinity", 1);
    certs.push_back(ca.issue(identity::subject_for(*principal), kEpoch, kEpoch + 86400, id));
  });
  ca.revoke(certs.front().serial);
  identity::CertificateVerifier verifier(ca.certificate(), ca.crl(kEpoch).get());
  measure("verify certificate (chain, CRL, time)", n,
          [&](int i) { verifier.verify(certs[i].certificate.get(), kEpoch + 10, 30); });
  identity::PkeyPtr issuer = identity::derive_p256_key(1, "issuer");
  identity::TokenVerifier tokens;
  tokens.add_key("k1", identity::public_key_of(issuer.get()));
  std::vector<std::string> signed_tokens;
  measure("sign ES256 token", n, [&](int i) {
    identity::JwtClaims c{"xfinity",    "acct" + std::to_string(i), "jti", "app0", kEpoch, 0,
                          kEpoch + 3600};
    signed_tokens.push_back(identity::sign_es256(c, issuer.get(), "k1"));
  });
  measure("verify ES256 token", n, [&](int i) { tokens.verify(signed_tokens[i], kEpoch + 5, 30); });
  security::Authorizer authorizer(security::default_setup());
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(scenario::home_client_id(i % 100, i, "light", 0));
  measure("policy: first decision (compile)", n, [&](int i) {
    authorizer.allows(ids[i], policy::Action::publish, "platform/acct1/home1/light0/state");
  });
  const int m = 50 * n;
  measure("policy: cached decision (publish)", m, [&](int i) {
    authorizer.allows(ids[i % n], policy::Action::publish, "platform/acct7/home7/light0/state");
  });
  measure("policy: cached decision (subscribe)", m, [&](int i) {
    authorizer.allows(ids[i % n], policy::Action::subscribe,
                      "$aws/things/acct7-home7-light0/shadow/#");
  });
  return 0;
}
