// Proof the checkers can fail: the broker model misbehaves in one way at a time
// (--broker-mutation), and the matching checker must fail while unrelated ones pass.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "tests/cli/cli_runner.h"

namespace mqttbed::testing {
namespace {

struct Mutation {
  const char* name;
  const char* scenario;  // under tests/cli/scenarios/
  std::set<std::string> must_fail;
  // Guarantees that restate the same fault from another angle and may fail with it: an
  // application-level seq/total gap is what a lost or reordered message looks like to the
  // app (completeness), and shadow documents that arrive out of order break the version
  // order a client sees (shadow); a message held back arrives late, a will too (will).
  std::set<std::string> may_fail;
};

std::ostream& operator<<(std::ostream& out, const Mutation& m) { return out << m.name; }

nlohmann::json verdicts_of(const std::string& scenario, const std::string& mutation,
                           int expected_exit) {
  std::string dir = scratch_dir("mutation-" + (mutation.empty() ? scenario : mutation));
  std::string path = std::string(MQTTBED_SOURCE_DIR) + "/tests/cli/scenarios/" + scenario;
  CliResult result = run_mqttbed("run " + path + " --quiet --out " + dir +
                                 (mutation.empty() ? "" : " --broker-mutation " + mutation));
  EXPECT_EQ(result.exit_code, expected_exit) << result.output;
  return nlohmann::json::parse(read_file(dir + "/report.json"))["verdicts"];
}

class BrokerMutation : public ::testing::TestWithParam<Mutation> {};

TEST_P(BrokerMutation, IsCaughtByItsCheckerOnly) {
  const Mutation& m = GetParam();
  nlohmann::json verdicts = verdicts_of(m.scenario, m.name, 1);
  std::set<std::string> failed;
  for (const auto& verdict : verdicts)
    if (!verdict["passed"].get<bool>()) failed.insert(verdict["guarantee"].get<std::string>());
  for (const auto& name : m.must_fail) EXPECT_TRUE(failed.count(name)) << name << " passed";
  for (const auto& name : failed)
    EXPECT_TRUE(m.must_fail.count(name) || m.may_fail.count(name)) << name << " failed too";
}

INSTANTIATE_TEST_SUITE_P(
    EveryMutation, BrokerMutation,
    ::testing::Values(
        Mutation{"drop_offline_qos1", "mutations.yaml", {"sessions"}, {"qos1", "completeness"}},
        Mutation{"duplicate_qos2", "mutations-clean.yaml", {"qos2"}, {}},
        // Holding a message back up to 5 s also holds a will past 1.5 x keepalive + 2 s.
        Mutation{"reorder", "mutations.yaml", {"ordering"}, {"completeness", "shadow", "will"}},
        Mutation{"will_after_disconnect", "mutations.yaml", {"will"}, {}},
        Mutation{"skip_will", "mutations.yaml", {"will"}, {}},
        Mutation{"forget_retained_on_restart", "mutations-clean.yaml", {"retained"}, {}},
        Mutation{"forget_sessions_on_restart", "mutations-crash.yaml", {"sessions"}, {}},
        // A copy leaked to another account is also a delivery no subscription asked for.
        Mutation{"leak_across_accounts", "mutations.yaml", {"isolation"}, {"deliveries"}},
        // Nothing is acknowledged or subscribed: the other promises have nothing left to owe
        // (their verdicts say so: vacuous), only answers can fail.
        Mutation{"drop_acks", "mutations.yaml", {"answers"}, {}},
        Mutation{"refuse_subscriptions", "mutations.yaml", {"isolation"}, {}},
        Mutation{"reuse_shadow_version", "mutations.yaml", {"shadow"}, {}},
        Mutation{"deliver_after_unsubscribe", "mutations-subscriptions.yaml", {"deliveries"}, {}},
        Mutation{"upgrade_qos", "mutations-subscriptions.yaml", {"deliveries"}, {}},
        Mutation{"retain_on_forward", "mutations-subscriptions.yaml", {"deliveries"}, {}},
        Mutation{"never_time_out", "mutations-subscriptions.yaml", {"will"}, {}},
        Mutation{"no_takeover", "mutations-subscriptions.yaml", {"will"}, {}},
        // The monitors' '#' receives the shadow traffic under $aws/ (MQTT-4.7.2-1).
        Mutation{"dollar_matches_wildcards", "mutations-subscriptions.yaml", {"deliveries"}, {}},

        Mutation{"ignore_payload_limit", "mutations-uploads.yaml", {"payload_limit"}, {}},
        Mutation{"corrupt_large_payloads", "mutations-uploads.yaml", {"reassembly"}, {}},
        Mutation{"invalid_reason_code", "mutations-v5.yaml", {"reason_codes"}, {}},
        Mutation{"ignore_message_expiry", "mutations-v5.yaml", {"message_expiry"}, {}},
        Mutation{
            "ignore_no_local", "mutations-v5-subscriptions.yaml", {"subscription_options"}, {}},
        Mutation{"drop_subscription_ids",
                 "mutations-v5-subscriptions.yaml",
                 {"subscription_options"},
                 {}},
        Mutation{"ignore_retain_handling",
                 "mutations-v5-subscriptions.yaml",
                 {"subscription_options"},
                 {}},
        Mutation{
            "ignore_retain_as_published", "mutations-v5-subscriptions.yaml", {"deliveries"}, {}},
        Mutation{"ignore_receive_maximum", "mutations-v5-subscriptions.yaml", {"flow_control"}, {}},

        Mutation{"ignore_will_delay", "mutations-v5-features.yaml", {"will"}, {}},
        Mutation{"share_to_all", "mutations-v5-features.yaml", {"shared_subscriptions"}, {}},
        Mutation{"drop_correlation_data", "mutations-v5-features.yaml", {"properties"}, {}},
        Mutation{"reorder_user_properties", "mutations-v5-features.yaml", {"properties"}, {}},

        // Issue 13's authorizer. With it off an intruder's spoofed clean CONNECT is accepted
        // and discards the victim's persistent session, which sessions sees from the victim.
        Mutation{"authorizer_off",
                 "mutations-security.yaml",
                 {"authorization", "isolation"},
                 {"sessions"}},
        Mutation{"ignore_token_expiry", "mutations-security.yaml", {"authorization"}, {}},
        Mutation{"ignore_revocation", "mutations-security.yaml", {"authorization"}, {}},
        Mutation{"wildcard_leak", "mutations-security.yaml", {"authorization", "isolation"}, {}}),
    [](const ::testing::TestParamInfo<Mutation>& info) { return std::string(info.param.name); });

TEST(BrokerMutation, BothTestBedsPassWithoutMutation) {
  for (const char* scenario :
       {"mutations.yaml", "mutations-clean.yaml", "mutations-crash.yaml",
        "mutations-subscriptions.yaml", "mutations-uploads.yaml", "mutations-v5.yaml",
        "mutations-v5-subscriptions.yaml", "mutations-v5-features.yaml",
        // Both legal answers to a denied 3.1.1 PUBLISH: dropped, or the connection closed.
        "mutations-security.yaml", "mutations-security-disconnect.yaml"}) {
    for (const auto& verdict : verdicts_of(scenario, "", 0))
      EXPECT_TRUE(verdict["passed"].get<bool>()) << scenario << ": " << verdict["guarantee"];
  }
}

TEST(BrokerMutation, UnknownMutationIsBadUsage) {
  CliResult result = run_mqttbed("run " + std::string(MQTTBED_SOURCE_DIR) +
                                 "/scenarios/default.yaml --quiet --broker-mutation nonsense");
  EXPECT_EQ(result.exit_code, 2) << result.output;
}

}  // namespace
}  // namespace mqttbed::testing
