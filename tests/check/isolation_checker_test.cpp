// Isolation checker with the real account policy (the default policy, security::Authorizer).
#include <gtest/gtest.h>

#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

TEST(IsolationChecker, TrafficInsideOneAccountPasses) {
  Bed bed({"isolation"});
  bed.connect("acct1-home0-light0");
  bed.connect("acct1-app0");
  bed.subscribe("acct1-app0", "platform/acct1/#", 1);
  auto m = bed.publish("acct1-home0-light0", "platform/acct1/home0/light0", 1);
  bed.deliver("acct1-app0", "platform/acct1/home0/light0", 1, m);
  const Verdict& v = bed.verdict("isolation");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.checked, 2u);
}

TEST(IsolationChecker, DeliveryAcrossAccountsFails) {
  Bed bed({"isolation"});
  bed.connect("acct1-home0-light0");
  bed.connect("acct2-app0");
  auto m = bed.publish("acct1-home0-light0", "platform/acct1/home0/light0", 1);
  bed.deliver("acct2-app0", "platform/acct1/home0/light0", 1, m);
  const Verdict& v = bed.verdict("isolation");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).clients,
            (std::vector<std::string>{"acct1-home0-light0", "acct2-app0"}));
}

TEST(IsolationChecker, GrantedWildcardOutsideTheAccountFails) {
  Bed bed({"isolation"});
  bed.connect("acct1-app0");
  bed.subscribe("acct1-app0", "#", 1);
  EXPECT_FALSE(bed.verdict("isolation").passed);
}

TEST(IsolationChecker, RefusedSubscriptionPasses) {
  Bed bed({"isolation"});
  bed.connect("acct1-app0");
  bed.subscribe("acct1-app0", "platform/acct2/#", 128);
  EXPECT_TRUE(bed.verdict("isolation").passed);
}

// The app may watch its own account: a SUBACK 0x80 there leaves it deaf, silently.
TEST(IsolationChecker, RefusedSubscriptionThePolicyPermitsFails) {
  Bed bed({"isolation"});
  bed.connect("acct1-app0");
  bed.subscribe("acct1-app0", "platform/acct1/#", 128);
  const Verdict& v = bed.verdict("isolation");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.unexpected, 1u);
  EXPECT_EQ(v.violations.at(0).topic, "platform/acct1/#");
  EXPECT_NE(v.violations.at(0).invariant.find("permits"), std::string::npos);
}

// An invalid filter may (and must) be refused whatever the policy says (MQTT-4.7.1-2).
TEST(IsolationChecker, RefusedInvalidFilterPasses) {
  Bed bed({"isolation"});
  bed.connect("acct1-app0");
  bed.subscribe("acct1-app0", "platform/acct1/#/x", 128);
  const Verdict& v = bed.verdict("isolation");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 1u);
}

TEST(IsolationChecker, ForwardedForbiddenPublishFails) {
  Bed bed({"isolation"});
  bed.connect("acct2-home0-light0");
  bed.connect("acct1-app0");
  auto m = bed.publish("acct2-home0-light0", "platform/acct1/spoof", 1);
  bed.deliver("acct1-app0", "platform/acct1/spoof", 1, m);
  const Verdict& v = bed.verdict("isolation");
  EXPECT_FALSE(v.passed);
  EXPECT_NE(v.violations.at(0).invariant.find("not allowed to publish"), std::string::npos);
}

}  // namespace
}  // namespace mqttbed::check::testing
