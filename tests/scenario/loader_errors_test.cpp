// The loader's bad path: every mistake is a ScenarioError at the right line, column and key
// path, saying what was found and what was expected. One case per kind of mistake.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "sim/scenario/loader.h"
#include "tests/scenario/test_catalog.h"

namespace mqttbed::scenario {
namespace {

struct BadScenario {
  std::string name;  // the behaviour, as the test's name
  std::string yaml;
  int line;
  int column;
  std::string key_path;
  std::string expected;  // must appear in the message
};

std::ostream& operator<<(std::ostream& out, const BadScenario& bad) { return out << bad.name; }

// Six lines every case below may extend; appended lines start at line 7.
const std::string kBase =
    "name: t\n"
    "duration: 10m\n"
    "fleet:\n"
    "  homes: 4\n"
    "  per_home:\n"
    "    - {kind: sensor, count: 2}\n";

std::string fleet_with(const std::string& group_line) {
  return "name: t\nduration: 10m\nfleet:\n  homes: 4\n  per_home:\n" + group_line + "\n";
}

std::string with_fault(const std::string& fault) { return kBase + "faults:\n  - " + fault + "\n"; }

// A home kind (certificates) and an account kind (tokens); the policy starts at line 9 and
// its first statement's action and resource are lines 13 and 14.
const std::string kSecureBase = kBase +
                                "  per_account:\n"
                                "    - {kind: app, count: 1}\n";
std::string with_statement(const std::string& attach, const std::string& effect,
                           const std::string& action, const std::string& resource) {
  return kSecureBase + "policy:\n  - attach: " + attach +
         "\n    statements:\n      - effect: " + effect + "\n        action: " + action +
         "\n        resource: " + resource + "\n";
}

const BadScenario kBadScenarios[] = {
    // --- document level ---------------------------------------------------------------
    {"YamlSyntaxErrorCarriesTheParserMark", "name: t\nfleet: [1, 2\nduration: 1m\n", 3, 9, "",
     "found invalid YAML"},
    {"EmptyDocumentIsNotAScenario", "# nothing here\n", 1, 1, "", "found an empty document"},
    {"RootMustBeAMapping", "- a\n- b\n", 1, 1, "", "found a sequence, expected a mapping"},
    {"StrayTopLevelCommaIsAnErrorNotAHang", "name: t\n,\n", 2, 1, "",
     "found invalid YAML (end of map not found)"},
    {"LoneCommaIsAnErrorNotAHang", ",\n", 1, 1, "", "found invalid YAML (unexpected ',')"},
    {"SecondDocumentIsRejected", kBase + "---\nname: u\n", 7, 1, "",
     "found a second YAML document"},
    {"UnknownTopLevelKeySuggestsTheClosest", kBase + "chekcs: [qos]\n", 7, 1, "chekcs",
     "found unknown key 'chekcs', expected one of name, seed, duration, settle, mqtt, broker, "
     "network, fleet, faults, identity, policy, checks or expect; did you mean 'checks'?"},
    {"DuplicateTopLevelKeyIsCaught", kBase + "name: again\n", 7, 1, "name",
     "found key 'name' twice, expected each key once"},
    {"DuplicateKeyInAFlowMappingIsCaught", kBase + "mqtt: {keepalive: 30s, keepalive: 20s}\n", 7,
     24, "mqtt.keepalive", "found key 'keepalive' twice"},
    {"NonStringKeyIsRejected", kBase + "mqtt:\n  ? [a]\n  : 1\n", 8, 5, "mqtt",
     "found a sequence, expected a plain string key"},
    {"MissingRequiredTopLevelKey", "name: t\nfleet:\n  homes: 4\n  per_home: [{kind: sensor}]\n", 1,
     1, "duration", "missing required key 'duration'"},
    {"MissingRequiredNestedKey", "name: t\nduration: 1m\nfleet:\n  per_home: [{kind: sensor}]\n", 4,
     3, "fleet.homes", "missing required key 'homes'"},
    {"SectionOfTheWrongShape", "name: t\nduration: 1m\nfleet: 5\n", 3, 8, "fleet",
     "found '5', expected a mapping"},
    {"NameMustBeUsableInFileNames", "name: my scenario\nduration: 1m\nfleet: {homes: 1}\n", 1, 7,
     "name", "expected a name of letters, digits"},
    // --- identity and policy (issue 13) ----------------------------------------------
    {"UnknownPolicyVariableIsNamed",
     with_statement("['*']", "allow", "iot:Publish", "'topic/${jwt:account}/x'"), 14, 19,
     "policy[0].statements[0].resource", "unknown variable '${jwt:account}'"},
    {"UnknownCertificateAttributeIsNamed",
     with_statement("[sensor]", "allow", "iot:Publish", "'topic/${iot:Certificate.Subject.Email}'"),
     14, 19, "policy[0].statements[0].resource",
     "unknown variable '${iot:Certificate.Subject.Email}'"},
    {"ClaimOfAKindWithoutTokensIsRefused",
     with_statement("[sensor, app]", "allow", "iot:Publish", "'topic/${jwt:aid}/x'"), 14, 19,
     "policy[0].statements[0].resource",
     "${jwt:aid} (account id claim) does not exist for kind 'sensor', which authenticates with a "
     "certificate"},
    {"MalformedActionSuggestsTheClosest",
     with_statement("['*']", "allow", "iot:Publsh", "'topic/x'"), 13, 17,
     "policy[0].statements[0].action", "unknown action 'iot:Publsh'"},
    {"ResourceWithoutATypeIsRefused", with_statement("['*']", "allow", "iot:Publish", "queue/x"),
     14, 19, "policy[0].statements[0].resource", "names no resource type"},
    {"ResourceFittingNoActionIsRefused",
     with_statement("['*']", "allow", "iot:Subscribe", "'topic/x/#'"), 14, 19,
     "policy[0].statements[0].resource", "fits none of the statement's actions"},
    {"EffectIsAllowOrDeny", with_statement("['*']", "permit", "iot:Publish", "'topic/x'"), 12, 17,
     "policy[0].statements[0].effect", "found 'permit', expected allow or deny"},
    {"AttachingAnUnknownKindSuggestsTheClosest",
     with_statement("[sensr]", "allow", "iot:Publish", "'topic/x'"), 10, 14, "policy[0].attach[0]",
     "no kind 'sensr' in the fleet"},
    {"APolicyGrantingNothingToAKindIsRefused",
     with_statement("[app, shadow]", "allow", "iot:Publish", "'topic/${principal:aid}/x'"), 10, 3,
     "policy", "the policy grants nothing to kind 'sensor'"},
    {"TokenRefreshMustComeBeforeExpiry",
     kBase + "identity:\n  token_lifetime: 10m\n  token_refresh_before: 10m\n", 9, 25,
     "identity.token_refresh_before", "expected a duration shorter than token_lifetime (10m)"},
    {"PartnerIdIsATopicLevel", kBase + "identity:\n  partner_id: 'a/b'\n", 8, 15,
     "identity.partner_id", "expected a partner id without '/'"},
    // --- scalars and units ------------------------------------------------------------
    {"DurationWithoutUnitAsksForOne", "name: t\nduration: 10\n", 2, 11, "duration",
     "found '10', expected a duration like 30s, 500ms or 1m30s (a unit is required)"},
    {"DurationWithUnknownUnit", kBase + "settle: 5 minutes\n", 7, 9, "settle",
     "found '5 minutes', expected a duration like 30s, 500ms or 1m30s"},
    {"NegativeDurationIsOutOfRange", kBase + "settle: -5s\n", 7, 9, "settle",
     "found '-5s', expected a duration >= 0s"},
    {"NullValueIsNotADefault", kBase + "settle:\n", 7, 1, "settle",
     "found nothing, expected a duration"},
    {"YesIsNotABoolean", kBase + "mqtt:\n  persistent_sessions: yes\n", 8, 24,
     "mqtt.persistent_sessions", "found 'yes', expected true or false"},
    {"QuotedIntegerIsAString", fleet_with("    - {kind: sensor, count: \"2\"}"), 6, 29,
     "fleet.per_home[0].count", "found \"2\" (a quoted string), expected an integer from 0"},
    {"DecimalIsNotAnInteger", kBase + "broker: {max_inflight: 2.0}\n", 7, 24, "broker.max_inflight",
     "found '2.0', expected an integer from 1 to 65535"},
    {"NegativeCountIsOutOfRange", fleet_with("    - {kind: sensor, count: -1}"), 6, 29,
     "fleet.per_home[0].count", "found '-1', expected an integer from 0 to 10000"},
    {"NegativeSeedIsOutOfRange", "name: t\nseed: -1\n", 2, 7, "seed",
     "found '-1', expected an integer >= 0"},
    {"SizeWithoutUnitIsRejected", kBase + "broker: {payload_limit: 128}\n", 7, 25,
     "broker.payload_limit", "found '128', expected a size like 200B, 128KiB or 1MB"},
    {"KeepaliveMustBeWholeSeconds", kBase + "mqtt: {keepalive: 1500ms}\n", 7, 19, "mqtt.keepalive",
     "found '1500ms', expected whole seconds from 0s to 18h12m15s"},
    {"UnknownMqttVersion", kBase + "mqtt: {version: 4}\n", 7, 17, "mqtt.version",
     "found '4', expected \"3.1.1\" or 5"},
    {"SessionExpiryNeedsVersion5", kBase + "mqtt: {session_expiry: 1h}\n", 7, 8,
     "mqtt.session_expiry", "expected it only with version 5"},
    {"SubscriptionOptionsNeedVersion5", kBase + "mqtt: {subscription_options: {no_local: true}}\n",
     7, 8, "mqtt.subscription_options", "expected it only with version 5"},
    {"RetainHandlingIsAtMost2",
     kBase + "mqtt: {version: 5, subscription_options: {retain_handling: 3}}\n", 7, 60,
     "mqtt.subscription_options.retain_handling", "found '3', expected an integer from 0 to 2"},
    {"ReceiveMaximumIsAtLeast1", kBase + "mqtt: {version: 5, receive_maximum: 0}\n", 7, 37,
     "mqtt.receive_maximum", "found '0', expected an integer from 1 to 65535"},
    {"ReconnectMaxBelowMin", kBase + "mqtt: {reconnect: {min: 10s, max: 5s}}\n", 7, 35,
     "mqtt.reconnect.max", "found '5s', expected a duration >= reconnect.min (10s)"},
    // --- network ----------------------------------------------------------------------
    {"UnknownLinkClassSuggestsTheClosest",
     kBase + "network:\n  links:\n    uplnk: {latency: 1ms, bandwidth: 1Mbps}\n", 9, 5,
     "network.links.uplnk", "expected one of lan, uplink or cloud; did you mean 'uplink'?"},
    {"UnknownLatencyDistribution",
     kBase + "network:\n  links:\n    lan: {latency: {dist: gaussian}, bandwidth: 1Mbps}\n", 9, 27,
     "network.links.lan.latency.dist",
     "found 'gaussian', expected constant, uniform, normal, lognormal or pareto"},
    {"FieldOfAnotherDistributionIsRejected",
     kBase + "network:\n  links:\n    lan: {latency: {dist: uniform, mean: 3ms}, bandwidth: "
             "1Mbps}\n",
     9, 36, "network.links.lan.latency.mean",
     "found mean in a uniform distribution, expected it only with dist: normal (uniform takes "
     "min, max)"},
    {"UniformMaxBelowMin",
     kBase + "network:\n  links:\n    lan:\n      latency: {dist: uniform, min: 5ms, max: 1ms}\n"
             "      bandwidth: 1Mbps\n",
     10, 47, "network.links.lan.latency.max", "found '1ms', expected a duration >= min (5ms)"},
    {"LossAboveOneHundredPercent",
     kBase + "network:\n  links:\n    lan: {latency: 1ms, bandwidth: 1Mbps, loss: 150%}\n", 9, 49,
     "network.links.lan.loss", "found '150%', expected a fraction from 0 to 1"},
    {"BandwidthNeedsABitRateUnit",
     kBase + "network:\n  links:\n    lan: {latency: 1ms, bandwidth: 20MB/s}\n", 9, 36,
     "network.links.lan.bandwidth", "found '20MB/s', expected a bit rate > 0 like 100Mbps"},
    {"LinkWithoutBandwidth", kBase + "network:\n  links:\n    lan: {latency: 1ms}\n", 9, 10,
     "network.links.lan.bandwidth", "missing required key 'bandwidth'"},
    // --- fleet and params -------------------------------------------------------------
    {"ZeroHomesIsOutOfRange", "name: t\nduration: 1m\nfleet: {homes: 0}\n", 3, 16, "fleet.homes",
     "found '0', expected an integer from 1 to 1000000"},
    {"MoreHomesPerAccountThanHomes",
     "name: t\nduration: 1m\nfleet: {homes: 2, homes_per_account: 3}\n", 3, 38,
     "fleet.homes_per_account", "found '3', expected an integer from 1 to 2"},
    {"FleetWithoutDevices", fleet_with("    - {kind: sensor, count: 0}"), 4, 3, "fleet",
     "found no devices, expected at least one device"},
    {"UnknownKindSuggestsTheClosest", fleet_with("    - {kind: sensr}"), 6, 14,
     "fleet.per_home[0].kind",
     "found 'sensr', expected a home kind: gateway, intruder, light or sensor; did you mean "
     "'sensor'?"},
    {"AccountKindUnderPerHome", fleet_with("    - {kind: app}"), 6, 14, "fleet.per_home[0].kind",
     "found 'app' (a kind placed per account), expected a home kind"},
    {"SameKindTwiceInASection", fleet_with("    - {kind: sensor}\n    - {kind: sensor}"), 7, 14,
     "fleet.per_home[1].kind", "found kind 'sensor' again (first on line 6)"},
    {"UnknownParamSuggestsTheClosest", fleet_with("    - {kind: sensor, params: {evry: 5s}}"), 6,
     31, "fleet.per_home[0].params.evry", "found unknown key 'evry'"},
    {"ParamOfTheWrongType", fleet_with("    - {kind: sensor, params: {qos: high}}"), 6, 36,
     "fleet.per_home[0].params.qos", "found 'high', expected an integer from 0 to 2"},
    {"ParamSizeOutOfRange", fleet_with("    - {kind: sensor, params: {payload_bytes: 1MiB}}"), 6,
     46, "fleet.per_home[0].params.payload_bytes",
     "found '1MiB', expected a size from 0B to 128KiB"},
    // --- what the broker declares it refuses -------------------------------------------------
    {"PayloadOverTheBrokersLimit",
     fleet_with("    - {kind: sensor, params: {payload_bytes: 2KiB}}") +
         "broker: {payload_limit: 1KiB}\n",
     6, 46, "fleet.per_home[0].params.payload_bytes",
     "found 2048B, expected at most the broker's payload_limit (1024B"},
    {"DefaultPayloadOverTheBrokersLimit",
     fleet_with("    - {kind: sensor}") + "broker: {payload_limit: 100B}\n", 6, 14,
     "fleet.per_home[0].kind", "payload_bytes (default): found 128B, expected at most"},
    {"Qos2OnAProfileThatNeverAnswersIt",
     fleet_with("    - {kind: sensor, params: {qos: 2}}") + "broker: {profile: aws-iot}\n", 6, 36,
     "fleet.per_home[0].params.qos",
     "found QoS 2, expected 0 or 1: the broker (profile aws-iot) answers no QoS 2 request"},
    {"UnknownBrokerProfile", kBase + "broker: {profile: aws}\n", 7, 19, "broker.profile",
     "found 'aws', expected mosquitto or aws-iot"},
    {"ReorderWindowOnlyWithoutOrdering", kBase + "broker: {reorder_window: 1s}\n", 7, 10,
     "broker.reorder_window", "expected it only with ordering: false"},
    {"Qos2IsTrueFalseOrUnanswered", kBase + "broker: {qos2: maybe}\n", 7, 16, "broker.qos2",
     "found 'maybe', expected true, false or unanswered"},
    {"ParamDurationOutOfRange", fleet_with("    - {kind: sensor, params: {every: 48h}}"), 6, 38,
     "fleet.per_home[0].params.every", "found '48h', expected a duration from 1ms to 24h"},
    {"ParamFractionOutOfRange", fleet_with("    - {kind: sensor, params: {drop_ratio: 60%}}"), 6,
     43, "fleet.per_home[0].params.drop_ratio", "found '60%', expected a fraction from 0"},
    // --- faults -----------------------------------------------------------------------
    {"UnknownFaultKindSuggestsTheClosest", with_fault("{kind: partiton, at: 1m, target: all}"), 8,
     12, "faults[0].kind", "did you mean 'partition'?"},
    {"FaultNeedsAtOrMtbf", with_fault("{kind: partition, target: all}"), 8, 5, "faults[0]",
     "missing 'at' (scheduled) or 'mtbf' + 'mttr' (random)"},
    {"FaultWithBothAtAndMtbf",
     with_fault("{kind: disconnect, target: all, at: 1m, mtbf: 5m, mttr: 1s}"), 8, 45,
     "faults[0].mtbf", "found both at and mtbf/mttr"},
    {"RandomFaultNeedsMttr", with_fault("{kind: disconnect, target: all, mtbf: 5m}"), 8, 5,
     "faults[0].mttr", "missing required key 'mttr'"},
    {"PartitionNeedsAWindow", with_fault("{kind: partition, target: all, at: 1m}"), 8, 5,
     "faults[0].for", "missing required key 'for'"},
    {"KeyOfAnotherFaultKindIsNamed",
     with_fault("{kind: partition, target: all, at: 1m, for: 1s, extra_latency: 5ms}"), 8, 53,
     "faults[0].extra_latency",
     "found key 'extra_latency' in a partition fault, expected it only in latency_spike faults"},
    {"FaultStartingAfterTheRunEnds", with_fault("{kind: device_reboot, target: all, at: 20m}"), 8,
     44, "faults[0].at", "found '20m', expected a time before the end of the run (duration 10m)"},
    {"FaultWindowPastTheRunEnd", with_fault("{kind: partition, target: all, at: 9m, for: 2m}"), 8,
     49, "faults[0].for",
     "expected a window ending by the end of the run (duration 10m): at most 1m"},
    {"LongWindowIsCheckedWithoutOverflow",
     "name: t\nduration: 277777h\nfleet: {homes: 1, per_home: [{kind: sensor}]}\nfaults:\n"
     "  - {kind: partition, target: all, at: 277000h, for: 277000h}\n",
     5, 54, "faults[0].for", "at most 777h"},
    {"BrokerCrashNeedsDowntime", with_fault("{kind: broker_crash, at: 1m}"), 8, 5,
     "faults[0].downtime", "missing required key 'downtime'"},
    {"HomesRangeBeyondTheFleet",
     with_fault("{kind: partition, target: \"homes[2:9]\", at: 1m, for: 1s}"), 8, 31,
     "faults[0].target", "expected homes[A:B] with 0 <= A < B <= 4"},
    {"EmptyHomesRangeSelectsNothing",
     with_fault("{kind: partition, target: \"homes[3:3]\", at: 1m, for: 1s}"), 8, 31,
     "faults[0].target", "found \"homes[3:3]\", expected homes[A:B] with 0 <= A < B <= 4"},
    {"KindTargetWithoutDevices", with_fault("{kind: disconnect, target: \"kind=light\", at: 1m}"),
     8, 32, "faults[0].target",
     "expected kind=NAME naming a kind with devices in the fleet (sensor)"},
    {"NameTargetNotInTheFleet",
     with_fault("{kind: disconnect, target: \"name=acct9-home9-sensor0\", at: 1m}"), 8, 32,
     "faults[0].target",
     "found name 'acct9-home9-sensor0' that is not in the fleet, expected a client id of it "
     "like acct0-home0-sensor0"},
    {"NameTargetListedTwice",
     with_fault("{kind: disconnect, target: \"name=acct1-home1-sensor0,acct1-home1-sensor0\", "
                "at: 1m}"),
     8, 32, "faults[0].target", "found name 'acct1-home1-sensor0' twice"},
    {"UnknownTargetForm", with_fault("{kind: disconnect, target: everyone, at: 1m}"), 8, 32,
     "faults[0].target",
     "found 'everyone', expected all, isp, broker, kind=NAME, homes[A:B] or name=ID[,ID...]"},
    {"BrokerTargetForANetworkFault",
     with_fault("{kind: partition, target: broker, at: 1m, for: 1s}"), 8, 31, "faults[0].target",
     "use broker_crash for the broker"},
    {"IspTargetForADeviceFault", with_fault("{kind: device_reboot, target: isp, at: 1m}"), 8, 35,
     "faults[0].target", "a device_reboot acts on devices"},
    {"ForInARandomFault", with_fault("{kind: partition, target: all, mtbf: 5m, mttr: 1s, for: 1s}"),
     8, 56, "faults[0].for", "found 'for' in a random fault"},
    // --- checks and expectations ------------------------------------------------------
    {"UnknownCheckSuggestsTheClosest", kBase + "checks: [qos, orderin]\n", 7, 15, "checks[1]",
     "did you mean 'ordering'?"},
    {"CheckListedTwice", kBase + "checks: [qos, qos]\n", 7, 15, "checks[1]",
     "found check 'qos' twice"},
    {"ExpectationWithoutComparison", kBase + "expect: {latency.qos1.p99: about 1s}\n", 7, 28,
     "expect[\"latency.qos1.p99\"]", "found 'about 1s', expected a quoted comparison"},
};

class BadScenarioTest : public ::testing::TestWithParam<BadScenario> {};

TEST_P(BadScenarioTest, FailsWithLineColumnKeyPathAndExpectation) {
  const BadScenario& bad = GetParam();
  try {
    load_scenario_text(bad.yaml, "bad.yaml", testing::test_catalog());
    FAIL() << "loaded without error:\n" << bad.yaml;
  } catch (const ScenarioError& error) {
    std::string message = error.what();
    if (std::getenv("DUMP_ERRORS")) std::cerr << message << "\n";
    EXPECT_EQ(error.file(), "bad.yaml");
    EXPECT_EQ(error.line(), bad.line) << message;
    EXPECT_EQ(error.column(), bad.column) << message;
    EXPECT_EQ(error.key_path(), bad.key_path) << message;
    EXPECT_NE(message.find(bad.expected), std::string::npos) << message;
    std::string prefix =
        "bad.yaml:" + std::to_string(bad.line) + ":" + std::to_string(bad.column) + ": ";
    if (!bad.key_path.empty()) prefix += bad.key_path + ": ";
    EXPECT_EQ(message.substr(0, prefix.size()), prefix) << message;
  }
}

INSTANTIATE_TEST_SUITE_P(Loader, BadScenarioTest, ::testing::ValuesIn(kBadScenarios),
                         [](const auto& info) { return info.param.name; });

TEST(BadScenarioTable, CoversAtLeastThirtyDistinctMistakes) {
  EXPECT_GE(std::size(kBadScenarios), 30u);
}

TEST(LoaderLimits, DeepNestingIsAnErrorNotACrash) {
  std::string deep = "name: t\nduration: 1m\nfleet: " + std::string(100000, '[');
  EXPECT_THROW(load_scenario_text(deep, "deep.yaml", testing::test_catalog()), ScenarioError);
}

TEST(LoaderLimits, OversizedInputIsRefused) {
  std::string big = kBase + "# " + std::string(2 << 20, 'x') + "\n";
  try {
    load_scenario_text(big, "big.yaml", testing::test_catalog());
    FAIL();
  } catch (const ScenarioError& error) {
    EXPECT_NE(std::string(error.what()).find("expected a scenario of at most 1MiB"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace mqttbed::scenario
