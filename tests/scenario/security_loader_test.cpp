// The identity: and policy: sections read into their structs (the bad inputs are in
// loader_errors_test.cpp).
#include <gtest/gtest.h>

#include "sim/policy/evaluator.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/principal_scheme.h"
#include "tests/scenario/test_catalog.h"

namespace mqttbed::scenario {
namespace {

using namespace std::chrono_literals;

const std::string kFleet =
    "name: t\n"
    "duration: 10m\n"
    "fleet:\n"
    "  homes: 2\n"
    "  per_home: [{kind: sensor, count: 1}]\n"
    "  per_account: [{kind: app, count: 1}]\n";

Scenario load(const std::string& yaml) {
  return load_scenario_text(yaml, "s.yaml", testing::test_catalog());
}

TEST(SecuritySections, WithoutThemNothingAuthenticatesAndTheDefaultPolicyApplies) {
  Scenario s = load(kFleet);
  EXPECT_FALSE(s.identity.enabled);
  EXPECT_FALSE(s.policy.has_value());
}

TEST(SecuritySections, IdentityIsReadWithItsDefaults) {
  Scenario s = load(kFleet + "identity:\n  partner_id: comcast\n  token_lifetime: 15m\n");
  EXPECT_TRUE(s.identity.enabled);
  EXPECT_EQ(s.identity.partner_id, "comcast");
  EXPECT_EQ(s.identity.token_lifetime, 15min);
  EXPECT_EQ(s.identity.token_refresh_before, 5min);
  EXPECT_EQ(s.identity.clock_skew, 30s);
  EXPECT_EQ(s.identity.certificate_lifetime, std::chrono::hours(24 * 365));
}

TEST(SecuritySections, PolicyIsReadAndEvaluatedAsWritten) {
  Scenario s = load(kFleet +
                    "policy:\n"
                    "  - name: devices\n"
                    "    attach: [sensor, app]\n"
                    "    statements:\n"
                    "      - effect: allow\n"
                    "        action: iot:Connect\n"
                    "        resource: 'client/${iot:Connection.Thing.ThingName}'\n"
                    "      - effect: allow\n"
                    "        action: [iot:Publish, iot:Receive]\n"
                    "        resource: 'topic/platform/${principal:aid}/*'\n"
                    "      - effect: deny\n"
                    "        action: iot:Publish\n"
                    "        resource: 'topic/platform/${principal:aid}/locked'\n"
                    "  - attach: shadow\n"
                    "    statements:\n"
                    "      - {effect: allow, action: 'iot:*', resource: 'topic/$aws/things/*'}\n");
  ASSERT_TRUE(s.policy.has_value());
  ASSERT_EQ(s.policy->documents.size(), 2u);
  const policy::PolicyDocument& devices = s.policy->documents[0];
  EXPECT_EQ(devices.name, "devices");
  ASSERT_EQ(devices.statements.size(), 3u);
  EXPECT_EQ(devices.statements[2].where, "s.yaml:17:9");
  auto app = fleet_principal("acct1-app0", "xfinity", 0);
  policy::CompiledPolicy compiled(*s.policy, *app, "acct1-app0");
  EXPECT_TRUE(compiled.allows(policy::Action::connect, "acct1-app0"));
  EXPECT_TRUE(compiled.allows(policy::Action::receive, "platform/acct1/x"));
  EXPECT_FALSE(compiled.allows(policy::Action::publish, "platform/acct1/locked"));
  EXPECT_FALSE(compiled.allows(policy::Action::subscribe, "platform/acct1/#"));  // not granted
}

}  // namespace
}  // namespace mqttbed::scenario
