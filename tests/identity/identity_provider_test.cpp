// The scenario's identity provider: every fleet client's credential authenticates as that
// client, every forged credential is refused by the real check, and tokens expire in
// virtual time.
#include "sim/identity/identity_provider.h"

#include <gtest/gtest.h>

#include "sim/identity/jwt.h"
#include "sim/scenario/principal_scheme.h"

namespace mqttbed::identity {
namespace {

using namespace std::chrono_literals;

scenario::IdentitySettings settings() {
  scenario::IdentitySettings s;
  s.enabled = true;
  s.token_lifetime = 1h;
  s.clock_skew = 30s;
  return s;
}

TEST(IdentityProvider, EveryClientsCredentialAuthenticatesAsThatClient) {
  IdentityProvider idp(settings(), 5);
  for (const char* id :
       {"acct3-home3-gateway0", "acct3-home3-light1", "acct3-app0", "cloud-shadow"}) {
    Credentials credentials = idp.credentials_for(id, 10min);
    Authentication auth = idp.authenticate(credentials, 10min);
    ASSERT_EQ(auth.outcome, Authentication::Outcome::accepted) << id << ": " << auth.reason;
    EXPECT_EQ(auth.principal->thing_name, id);
    auto expected = scenario::fleet_principal(id, "xfinity", 5);
    EXPECT_EQ(auth.principal->kind, expected->kind);
    EXPECT_EQ(auth.principal->source, expected->source) << id;
    auto values = auth.principal->values;
    auto expected_values = expected->values;
    values.erase("jwt:jti");  // a new one per token
    expected_values.erase("jwt:jti");
    EXPECT_EQ(values, expected_values) << id;
  }
}

TEST(IdentityProvider, HomeDevicesPresentCertificatesAndAppsTokens) {
  IdentityProvider idp(settings(), 5);
  Credentials gateway = idp.credentials_for("acct1-home1-gateway0", 0s);
  EXPECT_FALSE(gateway.certificate.empty());
  EXPECT_TRUE(gateway.token.empty());
  EXPECT_EQ(idp.credentials_for("acct1-home1-gateway0", 1h).certificate, gateway.certificate);
  Credentials app = idp.credentials_for("acct1-app0", 0s);
  EXPECT_TRUE(app.certificate.empty());
  EXPECT_FALSE(app.token.empty());
}

TEST(IdentityProvider, EachForgeryIsRefusedWithItsReason) {
  IdentityProvider idp(settings(), 5);
  const struct {
    const char* client;
    Forgery forgery;
    const char* reason;
  } cases[] = {
      {"acct3-app0", Forgery::expired_token, "token expired"},
      {"acct3-app0", Forgery::unknown_key_token, "token bad signature"},
      {"acct3-app0", Forgery::unsigned_token, "token unsupported alg"},
      {"acct3-home3-gateway0", Forgery::unknown_ca_certificate, "certificate unknown issuer"},
      {"acct3-home3-gateway0", Forgery::revoked_certificate, "certificate revoked"},
  };
  for (const auto& c : cases) {
    Authentication auth = idp.authenticate(idp.forged(c.client, c.forgery, 2h), 2h);
    EXPECT_EQ(auth.outcome, Authentication::Outcome::bad_credentials) << to_string(c.forgery);
    EXPECT_EQ(auth.reason, c.reason) << to_string(c.forgery);
  }
  // Revoking the intruder's certificate leaves the device's own one valid.
  EXPECT_EQ(idp.authenticate(idp.credentials_for("acct3-home3-gateway0", 2h), 2h).outcome,
            Authentication::Outcome::accepted);
}

TEST(IdentityProvider, TokensExpireInVirtualTimeAfterTheSkew) {
  IdentityProvider idp(settings(), 5);
  Credentials app = idp.credentials_for("acct1-app0", 0s);
  Authentication fresh = idp.authenticate(app, 0s);
  ASSERT_EQ(fresh.outcome, Authentication::Outcome::accepted);
  EXPECT_EQ(fresh.expires, Duration(1h + 30s));
  EXPECT_EQ(idp.authenticate(app, 1h + 29s).outcome, Authentication::Outcome::accepted);
  Authentication late = idp.authenticate(app, 1h + 30s);
  EXPECT_EQ(late.outcome, Authentication::Outcome::bad_credentials);
  EXPECT_EQ(late.reason, "token expired");
}

TEST(IdentityProvider, EveryRefreshIsANewTokenWithANewJti) {
  IdentityProvider idp(settings(), 5);
  Authentication a = idp.authenticate(idp.credentials_for("acct1-app0", 0s), 0s);
  Authentication b = idp.authenticate(idp.credentials_for("acct1-app0", 55min), 55min);
  ASSERT_TRUE(a.principal && b.principal);
  EXPECT_NE(a.principal->values.at("jwt:jti"), b.principal->values.at("jwt:jti"));
  EXPECT_EQ(b.expires, Duration(55min + 1h + 30s));
}

TEST(IdentityProvider, AnotherDevicesCredentialAuthenticatesAsThatDeviceNotTheClaimedId) {
  // Authentication says who holds the credential; the connect policy then compares it with
  // the client id in the CONNECT (a spoofed id is refused there, not here).
  IdentityProvider idp(settings(), 5);
  Authentication auth = idp.authenticate(idp.credentials_for("acct3-home3-light0", 0s), 0s);
  EXPECT_EQ(auth.principal->thing_name, "acct3-home3-light0");
}

TEST(IdentityProvider, UnknownCertificateReferencesAndMissingCredentialsAreRefused) {
  IdentityProvider idp(settings(), 5);
  EXPECT_EQ(idp.authenticate({"nobody#7", ""}, 0s).reason, "certificate unknown to the TLS layer");
  EXPECT_EQ(idp.authenticate({"", ""}, 0s).reason, "no credential");
  EXPECT_EQ(idp.authenticate({"", "not.a.token"}, 0s).reason, "token malformed");
}

}  // namespace
}  // namespace mqttbed::identity
