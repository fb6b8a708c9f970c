// The CONNECT step of the custom authorizer under the default policy: each intruder attempt
// at the door is refused with the answer a real broker gives, and legitimate clients pass.
#include "sim/identity/connect_check.h"

#include <gtest/gtest.h>

namespace mqttbed::identity {
namespace {

using namespace std::chrono_literals;
using Outcome = ConnectCheck::Outcome;

struct Door {
  scenario::IdentitySettings settings = [] {
    scenario::IdentitySettings s;
    s.enabled = true;
    s.token_lifetime = 15min;
    return s;
  }();
  IdentityProvider idp{settings, 11};
  policy::Policy policy = policy::default_policy();

  ConnectCheck connect(const Credentials& credentials, const std::string& client_id,
                       Duration now = 1h) {
    return check_connect(idp, policy, credentials, client_id, now);
  }
};

TEST(ConnectCheck, LegitimateClientsConnectAsThemselves) {
  Door door;
  for (const char* id :
       {"acct2-home5-gateway0", "acct2-home5-sensor1", "acct2-app1", "cloud-shadow"}) {
    ConnectCheck check = door.connect(door.idp.credentials_for(id, 1h), id);
    EXPECT_EQ(check.outcome, Outcome::accepted) << id << ": " << check.reason;
  }
}

TEST(ConnectCheck, AnotherDevicesClientIdIsNotAuthorized) {
  Door door;
  // acct2's gateway certificate, presented with acct3's client id (and with a sibling's).
  Credentials own = door.idp.credentials_for("acct2-home5-gateway0", 1h);
  ConnectCheck spoof = door.connect(own, "acct3-home6-gateway0");
  EXPECT_EQ(spoof.outcome, Outcome::not_authorized);
  EXPECT_EQ(spoof.reason, "no statement allows iot:Connect on client/acct3-home6-gateway0");
  EXPECT_EQ(door.connect(own, "acct2-home5-light0").outcome, Outcome::not_authorized);
  // An app token presented as a gateway of its own account.
  Credentials app = door.idp.credentials_for("acct2-app0", 1h);
  EXPECT_EQ(door.connect(app, "acct2-home5-gateway0").outcome, Outcome::not_authorized);
}

TEST(ConnectCheck, ForgedCredentialsAreBadCredentials) {
  Door door;
  for (Forgery forgery :
       {Forgery::expired_token, Forgery::unknown_key_token, Forgery::unsigned_token}) {
    ConnectCheck check = door.connect(door.idp.forged("acct2-app0", forgery, 1h), "acct2-app0");
    EXPECT_EQ(check.outcome, Outcome::bad_credentials) << to_string(forgery);
  }
  for (Forgery forgery : {Forgery::unknown_ca_certificate, Forgery::revoked_certificate}) {
    ConnectCheck check =
        door.connect(door.idp.forged("acct2-home5-light0", forgery, 1h), "acct2-home5-light0");
    EXPECT_EQ(check.outcome, Outcome::bad_credentials) << to_string(forgery);
  }
}

TEST(ConnectCheck, AnAppsTokenStopsWorkingWhenItExpires) {
  Door door;
  Credentials token = door.idp.credentials_for("acct2-app0", 1h);
  ConnectCheck fresh = door.connect(token, "acct2-app0", 1h);
  ASSERT_EQ(fresh.outcome, Outcome::accepted);
  EXPECT_EQ(fresh.expires, Duration(1h + 15min + 30s));
  EXPECT_EQ(door.connect(token, "acct2-app0", 1h + 15min + 30s).reason, "token expired");
}

}  // namespace
}  // namespace mqttbed::identity
