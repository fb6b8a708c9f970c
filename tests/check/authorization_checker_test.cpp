// Authorization checker with the default policy: intruders' attempts (history `attempt`
// events) must be refused, legitimate operations the policy permits must not be.
#include <gtest/gtest.h>

#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

security::PolicySetup authenticating() {
  security::PolicySetup setup = security::default_setup();
  setup.authenticates = true;
  return setup;
}

constexpr const char* kIntruder = "acct0-home0-intruder0";

TEST(AuthorizationChecker, RefusedForeignSubscribePasses) {
  Bed bed({"authorization"});
  bed.connect(kIntruder);
  bed[kIntruder].attempt("subscribe_all", "#");
  bed.subscribe(kIntruder, "#", 128);
  const Verdict& v = bed.verdict("authorization");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 1u);
}

TEST(AuthorizationChecker, GrantedForeignSubscribeFailsNamingTheAttempt) {
  Bed bed({"authorization"});
  bed.connect(kIntruder);
  bed[kIntruder].attempt("subscribe_foreign", "platform/acct1/#");
  bed.subscribe(kIntruder, "platform/acct1/#", 0);
  const Verdict& v = bed.verdict("authorization");
  ASSERT_FALSE(v.passed);
  const Violation& violation = v.violations.at(0);
  EXPECT_EQ(violation.clients, std::vector<std::string>{kIntruder});
  EXPECT_EQ(violation.topic, "platform/acct1/#");
  EXPECT_NE(violation.invariant.find("subscribe_foreign"), std::string::npos)
      << violation.invariant;
  EXPECT_NE(violation.invariant.find("policy denies"), std::string::npos) << violation.invariant;
  EXPECT_NE(violation.invariant.find("granted"), std::string::npos) << violation.invariant;
  EXPECT_EQ(violation.excerpt.size(), 2u);  // the attempt and the SUBACK
}

// A broker that refuses too much is as wrong as one that allows too much.
TEST(AuthorizationChecker, RefusedPermittedSubscribeOfALegitimateDeviceFails) {
  Bed bed({"authorization"});
  bed.connect("acct1-app0");
  bed.subscribe("acct1-app0", "platform/acct1/#", 128);
  const Verdict& v = bed.verdict("authorization");
  ASSERT_FALSE(v.passed);
  EXPECT_NE(v.violations.at(0).invariant.find("policy allows"), std::string::npos);
}

TEST(AuthorizationChecker, DeniedPublishNobodyReceivedPasses) {
  Bed bed({"authorization"});
  bed.connect(kIntruder);
  bed[kIntruder].attempt("publish_command", "platform/acct1/home1/light0/cmd");
  bed.publish(kIntruder, "platform/acct1/home1/light0/cmd", 0);
  const Verdict& v = bed.verdict("authorization");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 1u);
}

TEST(AuthorizationChecker, DeniedPublishDeliveredFails) {
  Bed bed({"authorization"});
  bed.connect(kIntruder);
  bed.connect("acct1-home1-light0");
  bed[kIntruder].attempt("publish_command", "platform/acct1/home1/light0/cmd");
  auto m = bed.publish(kIntruder, "platform/acct1/home1/light0/cmd", 0);
  bed.deliver("acct1-home1-light0", "platform/acct1/home1/light0/cmd", 0, m);
  const Verdict& v = bed.verdict("authorization");
  ASSERT_FALSE(v.passed);
  EXPECT_NE(v.violations.at(0).invariant.find("delivered it to acct1-home1-light0"),
            std::string::npos)
      << v.violations.at(0).invariant;
  EXPECT_EQ(v.violations.at(0).excerpt.size(), 3u);
}

TEST(AuthorizationChecker, AcceptedForgedCredentialFails) {
  Bed bed({"authorization"}, authenticating());
  bed[kIntruder].attempt("expired_token", "acct0-intruder0");
  bed.connect(kIntruder);
  const Verdict& v = bed.verdict("authorization");
  ASSERT_FALSE(v.passed);
  EXPECT_NE(v.violations.at(0).invariant.find("expired_token"), std::string::npos);
}

TEST(AuthorizationChecker, RefusedForgedCredentialsAndSpoofPass) {
  Bed bed({"authorization"}, authenticating());
  for (const char* kind : {"revoked_certificate", "connect_spoofed_id"}) {
    bed[kIntruder].attempt(kind, "acct1-home1-light0");
    bed[kIntruder].connect_sent(true);
    bed.tick();
    bed[kIntruder].connack(false, 5);
    bed.tick();
  }
  const Verdict& v = bed.verdict("authorization");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 2u);
}

TEST(AuthorizationChecker, AcceptedSpoofedClientIdFails) {
  Bed bed({"authorization"}, authenticating());
  bed[kIntruder].attempt("connect_spoofed_id", "acct1-home1-light0");
  bed.connect(kIntruder);
  const Verdict& v = bed.verdict("authorization");
  ASSERT_FALSE(v.passed);
  EXPECT_NE(v.violations.at(0).invariant.find("iot:Connect as acct1-home1-light0"),
            std::string::npos)
      << v.violations.at(0).invariant;
}

TEST(AuthorizationChecker, RefusedLegitimateConnectFails) {
  Bed bed({"authorization"}, authenticating());
  bed["acct1-app0"].connect_sent(true);
  bed.tick();
  bed["acct1-app0"].connack(false, 4);
  EXPECT_FALSE(bed.verdict("authorization").passed);
}

// Without `identity:` a client is who its id says: a CONNECT cannot be refused, so the
// connect attempts are not judged (indeterminate), not failed.
TEST(AuthorizationChecker, ConnectAttemptsWithoutIdentityAreIndeterminate) {
  Bed bed({"authorization"});
  bed[kIntruder].attempt("unsigned_token", "acct0-intruder0");
  bed.connect(kIntruder);
  const Verdict& v = bed.verdict("authorization");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.indeterminate, 1u);
}

}  // namespace
}  // namespace mqttbed::check::testing
