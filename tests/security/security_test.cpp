// The default policy (the talk's account namespaces) through the authorizer: what each
// identity may reach, and the wildcard escapes it must refuse. These expectations predate
// the policy language (they were the hard-coded rule's); the default policy keeps them.
#include "sim/security/security.h"

#include <gtest/gtest.h>

namespace mqttbed::security {
namespace {

using policy::Action;

// write: may it publish to `name`; else: may it subscribe to `name` and, when `name` is a
// topic, receive on it (the default policy grants both alike).
bool is_allowed(const std::string& client_id, std::string_view name, bool write) {
  static Authorizer authorizer(default_setup());
  if (write) return authorizer.allows(client_id, Action::publish, name);
  const bool subscribe = authorizer.allows(client_id, Action::subscribe, name);
  if (name.find_first_of("+#") == std::string_view::npos) {
    EXPECT_EQ(authorizer.allows(client_id, Action::receive, name), subscribe) << name;
  }
  return subscribe;
}

TEST(IsAllowed, LetsAClientUseItsOwnPlatformNamespace) {
  EXPECT_TRUE(is_allowed("acct3-home3-light0", "platform/acct3/home3/light0/state", true));
  EXPECT_TRUE(is_allowed("acct3-app0", "platform/acct3/#", false));
  EXPECT_TRUE(is_allowed("acct3-home3-gateway0", "platform/acct3/home3/+/state", false));
  EXPECT_TRUE(is_allowed("acct3-app0", "platform/acct3/+/light0/#", false));
}

TEST(IsAllowed, RefusesAnotherAccountsPlatformNamespace) {
  EXPECT_FALSE(is_allowed("acct3-home3-light0", "platform/acct4/home4/light0/state", true));
  EXPECT_FALSE(is_allowed("acct3-app0", "platform/acct4/#", false));
  // A numeric prefix of another account is not the same account.
  EXPECT_FALSE(is_allowed("acct3-app0", "platform/acct30/#", false));
  EXPECT_FALSE(is_allowed("acct30-app0", "platform/acct3/#", false));
}

TEST(IsAllowed, RefusesWildcardsInTheAccountLevel) {
  EXPECT_FALSE(is_allowed("acct3-app0", "platform/+/#", false));
  EXPECT_FALSE(is_allowed("acct3-app0", "platform/#", false));
  EXPECT_FALSE(is_allowed("acct3-app0", "#", false));
  EXPECT_FALSE(is_allowed("acct3-app0", "+/acct3/#", false));
}

TEST(IsAllowed, LetsAClientUseShadowsOfItsAccountsThings) {
  EXPECT_TRUE(
      is_allowed("acct3-home3-light0", "$aws/things/acct3-home3-light0/shadow/update", true));
  EXPECT_TRUE(
      is_allowed("acct3-app0", "$aws/things/acct3-home5-light1/shadow/update/documents", false));
  EXPECT_TRUE(is_allowed("acct3-app0", "$aws/things/acct3-home5-light1/shadow/#", false));
  // Named shadows and delete are inside `shadow/*` (a policy `*` spans levels).
  EXPECT_TRUE(is_allowed("acct3-home3-light0",
                         "$aws/things/acct3-home3-light0/shadow/name/config/update", true));
  EXPECT_TRUE(is_allowed("acct3-home3-light0",
                         "$aws/things/acct3-home3-light0/shadow/name/config/update/accepted",
                         false));
  EXPECT_TRUE(is_allowed("acct3-app0", "$aws/things/acct3-home5-light1/shadow/delete", true));
  EXPECT_FALSE(
      is_allowed("acct3-app0", "$aws/things/acct4-home4-light0/shadow/name/config/get", true));
}

TEST(IsAllowed, RefusesShadowsOfOtherAccountsAndWildcardThings) {
  EXPECT_FALSE(is_allowed("acct3-app0", "$aws/things/acct4-home4-light0/shadow/update", true));
  EXPECT_FALSE(is_allowed("acct3-app0", "$aws/things/+/shadow/update/documents", false));
  EXPECT_FALSE(is_allowed("acct3-app0", "$aws/things/#", false));
  EXPECT_FALSE(is_allowed("acct3-app0", "$aws/things/acct3-/shadow/update", true));
  // Outside the shadow sub-tree of an own thing.
  EXPECT_FALSE(is_allowed("acct3-app0", "$aws/things/acct3-home3-light0/#", false));
  EXPECT_FALSE(is_allowed("acct3-app0", "$aws/things/acct3-home3-light0/jobs/get", true));
}

TEST(IsAllowed, LetsTheShadowServiceUseEveryThingsShadowAndNothingElse) {
  EXPECT_TRUE(is_allowed("cloud-shadow", "$aws/things/+/shadow/update", false));
  EXPECT_TRUE(
      is_allowed("cloud-shadow", "$aws/things/acct4-home4-light0/shadow/update/delta", true));
  EXPECT_TRUE(is_allowed("cloud-shadow", "$aws/things/#", false));
  EXPECT_TRUE(is_allowed("cloud-shadow", "$aws/things/+/shadow/name/+/delete", false));
  EXPECT_FALSE(is_allowed("cloud-shadow", "platform/acct3/#", false));
  EXPECT_FALSE(is_allowed("cloud-shadow", "#", false));
}

TEST(IsAllowed, LetsEachClientConnectOnlyAsItsOwnClientId) {
  Authorizer authorizer(default_setup());
  EXPECT_TRUE(authorizer.allows("acct3-home3-light0", Action::connect, "acct3-home3-light0"));
  EXPECT_TRUE(authorizer.allows("acct3-app0", Action::connect, "acct3-app0"));
  EXPECT_TRUE(authorizer.allows("cloud-shadow", Action::connect, "cloud-shadow"));
  EXPECT_FALSE(authorizer.allows("acct3-app0", Action::connect, "acct4-app0"));
}

TEST(IsAllowed, ExplainsItsAnswers) {
  Authorizer authorizer(default_setup());
  policy::Decision yes = authorizer.decide("acct3-app0", Action::subscribe, "platform/acct3/#");
  EXPECT_TRUE(yes.allowed);
  EXPECT_EQ(yes.reason, "allowed by default policy: platform/acct3/*");
  policy::Decision no = authorizer.decide("acct3-app0", Action::subscribe, "#");
  EXPECT_FALSE(no.allowed);
  EXPECT_EQ(no.reason, "no statement allows iot:Subscribe on #");
  EXPECT_EQ(authorizer.decide("intruder", Action::publish, "x").reason,
            "no principal holds client id intruder");
}

TEST(IsAllowed, RefusesUnknownIdentitiesAndEmptyTopics) {
  EXPECT_FALSE(is_allowed("intruder", "platform/acct3/home3/light0/state", true));
  EXPECT_FALSE(is_allowed("", "platform/acct3/#", false));
  EXPECT_FALSE(is_allowed("acct3-app0", "", true));
}

}  // namespace
}  // namespace mqttbed::security
