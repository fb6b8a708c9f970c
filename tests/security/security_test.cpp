// The account namespace policy: what each identity may reach, and the wildcard escapes it
// must refuse.
#include "sim/security/security.h"

#include <gtest/gtest.h>

namespace mqttbed::security {
namespace {

TEST(AccountOf, ReadsTheLeadingAccountOfHomeAndAccountClients) {
  EXPECT_EQ(account_of("acct3-home3-light0"), "acct3");
  EXPECT_EQ(account_of("acct12-app0"), "acct12");
}

TEST(AccountOf, IsEmptyForTheShadowServiceAndForeignIds) {
  EXPECT_EQ(account_of("cloud-shadow"), "");
  EXPECT_EQ(account_of("acct-3"), "");
  EXPECT_EQ(account_of("acct3x-light0"), "");
  EXPECT_EQ(account_of("acct7"), "");         // an account, but no client of it
  EXPECT_EQ(account_of("acct3-Light0"), "");  // kinds are lower-case letters
  EXPECT_EQ(account_of("home3-acct3"), "");
  EXPECT_EQ(account_of(""), "");
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
  EXPECT_FALSE(is_allowed("cloud-shadow", "platform/acct3/#", false));
  EXPECT_FALSE(is_allowed("cloud-shadow", "#", false));
}

TEST(IsAllowed, RefusesUnknownIdentitiesAndEmptyTopics) {
  EXPECT_FALSE(is_allowed("intruder", "platform/acct3/home3/light0/state", true));
  EXPECT_FALSE(is_allowed("", "platform/acct3/#", false));
  EXPECT_FALSE(is_allowed("acct3-app0", "", true));
}

}  // namespace
}  // namespace mqttbed::security
