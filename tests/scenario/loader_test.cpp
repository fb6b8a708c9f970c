// The loader's good path: units, defaults, params, targets and the shipped scenario files.
#include "sim/scenario/loader.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "sim/scenario/fleet_names.h"
#include "tests/scenario/test_catalog.h"

namespace mqttbed::scenario {
namespace {

using namespace std::chrono_literals;

Scenario load(const std::string& text) {
  return load_scenario_text(text, "test.yaml", testing::test_catalog());
}

const char* kMinimal = R"(
name: minimal
duration: 10m
fleet:
  homes: 3
  per_home:
    - {kind: sensor}
)";

TEST(LoaderDefaults, OmittedSectionsTakeTheDocumentedDefaults) {
  Scenario s = load(kMinimal);
  EXPECT_EQ(s.name, "minimal");
  EXPECT_EQ(s.file, "test.yaml");
  EXPECT_EQ(s.seed, 0u);
  EXPECT_EQ(s.duration, Duration(10min));
  EXPECT_EQ(s.settle, Duration(30s));
  EXPECT_EQ(s.mqtt.version, MqttVersion::v311);
  EXPECT_EQ(s.mqtt.keepalive, Duration(30s));
  EXPECT_TRUE(s.mqtt.persistent_sessions);
  EXPECT_EQ(s.broker.max_inflight, 20);
  EXPECT_EQ(s.broker.payload_limit_bytes, 128 * 1024);
  ASSERT_EQ(s.network.links.size(), 3u);
  EXPECT_EQ(s.network.links.at("uplink").latency.value, Duration(20ms));
  EXPECT_EQ(s.network.links.at("cloud").bandwidth_bps, 10e9);
  EXPECT_EQ(s.network.tcp_max_retransmissions, 6);
  EXPECT_EQ(s.fleet.homes_per_account, 1);
  ASSERT_EQ(s.fleet.per_home.size(), 1u);
  EXPECT_EQ(s.fleet.per_home[0].count, 1);
  EXPECT_TRUE(s.faults.empty());
  EXPECT_EQ(s.checks.size(), check::scenario_check_names().size());  // every check
  EXPECT_TRUE(s.expect.empty());
}

TEST(LoaderParams, DefaultsFillMissingParamsWithTheirTypes) {
  Scenario s = load(kMinimal);
  const Params& params = s.fleet.per_home[0].params;
  EXPECT_EQ(params.get_duration("every"), Duration(10s));
  EXPECT_EQ(params.get_int("payload_bytes"), 128);
  EXPECT_EQ(params.get_int("qos"), 1);
  EXPECT_FALSE(params.get_bool("retain"));
  EXPECT_DOUBLE_EQ(params.get_number("gain"), 1.0);  // int default stored as a number
}

TEST(LoaderParams, WrittenParamsAreTypedByTheirSpec) {
  Scenario s = load(R"(
name: p
duration: 10m
fleet:
  homes: 1
  per_home:
    - kind: sensor
      count: 3
      params: {every: 1m30s, payload_bytes: 2KiB, qos: 2, total: 7, retain: true,
               drop_ratio: 10%, gain: 2.5}
)");
  const Params& params = s.fleet.per_home[0].params;
  EXPECT_EQ(s.fleet.per_home[0].count, 3);
  EXPECT_EQ(params.get_duration("every"), Duration(90s));
  EXPECT_EQ(params.get_int("payload_bytes"), 2048);
  EXPECT_EQ(params.get_int("qos"), 2);
  EXPECT_EQ(params.get_int("total"), 7);
  EXPECT_TRUE(params.get_bool("retain"));
  EXPECT_DOUBLE_EQ(params.get_number("drop_ratio"), 0.1);
  EXPECT_DOUBLE_EQ(params.get_number("gain"), 2.5);
}

TEST(LoaderSettings, Mqtt5SubscriptionOptionsAndFlowControl) {
  Scenario s = load(R"(
name: v5
duration: 1m
mqtt: {version: 5, subscription_options: {no_local: true, retain_as_published: true,
       retain_handling: 2, identifiers: true}, receive_maximum: 4, ack_delay: 250ms}
fleet:
  homes: 1
  per_home: [{kind: light, count: 1}]
)");
  EXPECT_TRUE(s.mqtt.no_local);
  EXPECT_TRUE(s.mqtt.retain_as_published);
  EXPECT_EQ(s.mqtt.retain_handling, 2);
  EXPECT_TRUE(s.mqtt.subscription_ids);
  EXPECT_EQ(s.mqtt.receive_maximum, 4);
  EXPECT_EQ(s.mqtt.ack_delay, Duration(250ms));
}

TEST(LoaderSettings, EverySectionIsReadWithItsUnits) {
  Scenario s = load(R"(
name: full
seed: 18446744
duration: 1h
settle: 2m
mqtt: {version: 5, keepalive: 45s, persistent_sessions: false, session_expiry: 10m,
       reconnect: {min: 500ms, max: 2m}}
broker: {max_inflight: 5, max_queued: 10, persistence: false, payload_limit: 1MiB, qos2: false}
network:
  links:
    lan: {latency: {dist: uniform, min: 1ms, max: 5ms}, bandwidth: 100Mbps}
    uplink: {latency: {dist: lognormal, median: 20ms, sigma: 0.5, jitter: 2ms},
             bandwidth: 20Mbps, loss: 0.5%}
    cloud: {latency: {dist: pareto, scale: 1ms, shape: 2.5}, bandwidth: 10Gbps, loss: 0.001}
  tcp: {rto: 250ms, max_retransmissions: 4}
fleet:
  homes: 4
  homes_per_account: 2
  per_home: [{kind: light, count: 2}]
  per_account: [{kind: app}]
checks: [qos, will]
expect: {latency.qos1.p99: "< 500ms", "bytes.total": "<= 2KiB", delivery.ratio: ">= 99.5%",
         violations: "== 0", throughput: "> 1Mbps"}
)");
  EXPECT_EQ(s.seed, 18446744u);
  EXPECT_EQ(s.settle, Duration(2min));
  EXPECT_EQ(s.mqtt.version, MqttVersion::v5);
  EXPECT_EQ(s.mqtt.keepalive, Duration(45s));
  EXPECT_FALSE(s.mqtt.persistent_sessions);
  EXPECT_EQ(s.mqtt.session_expiry, Duration(10min));
  EXPECT_EQ(s.mqtt.reconnect_min, Duration(500ms));
  EXPECT_EQ(s.mqtt.reconnect_max, Duration(2min));
  EXPECT_EQ(s.broker.max_inflight, 5);
  EXPECT_EQ(s.broker.max_queued, 10);
  EXPECT_FALSE(s.broker.persistence);
  EXPECT_EQ(s.broker.payload_limit_bytes, 1024 * 1024);
  EXPECT_FALSE(s.broker.qos2);
  const LinkClass& lan = s.network.links.at("lan");
  EXPECT_EQ(lan.latency.kind, LatencyDist::Kind::uniform);
  EXPECT_EQ(lan.latency.max, Duration(5ms));
  EXPECT_EQ(lan.mark.line, 11);
  const LinkClass& uplink = s.network.links.at("uplink");
  EXPECT_EQ(uplink.latency.kind, LatencyDist::Kind::lognormal);
  EXPECT_DOUBLE_EQ(uplink.latency.sigma, 0.5);
  EXPECT_EQ(uplink.latency.jitter, Duration(2ms));
  EXPECT_DOUBLE_EQ(uplink.loss, 0.005);
  const LinkClass& cloud = s.network.links.at("cloud");
  EXPECT_EQ(cloud.latency.kind, LatencyDist::Kind::pareto);
  EXPECT_DOUBLE_EQ(cloud.latency.shape, 2.5);
  EXPECT_EQ(s.network.tcp_rto_initial, Duration(250ms));
  EXPECT_EQ(s.network.tcp_max_retransmissions, 4);
  EXPECT_EQ(account_count(s.fleet), 2);
  EXPECT_EQ(device_count(s.fleet), 4 * 2 + 2);
  EXPECT_EQ(s.checks, (std::vector<std::string>{"qos", "will"}));
  ASSERT_EQ(s.expect.size(), 5u);
  EXPECT_EQ(s.expect[0].metric, "latency.qos1.p99");
  EXPECT_EQ(s.expect[0].op, Expectation::Op::lt);
  EXPECT_DOUBLE_EQ(s.expect[0].value, 0.5);
  EXPECT_EQ(s.expect[1].op, Expectation::Op::le);
  EXPECT_DOUBLE_EQ(s.expect[1].value, 2048);
  EXPECT_DOUBLE_EQ(s.expect[2].value, 0.995);
  EXPECT_EQ(s.expect[3].op, Expectation::Op::eq);
  EXPECT_DOUBLE_EQ(s.expect[3].value, 0);
  EXPECT_EQ(s.expect[4].op, Expectation::Op::gt);
  EXPECT_DOUBLE_EQ(s.expect[4].value, 1e6);
}

TEST(Loader, BrokerDefaultsAreTheMosquittoProfile) {
  Scenario s = load("name: t\nduration: 1m\nfleet: {homes: 1, per_home: [{kind: sensor}]}\n");
  EXPECT_EQ(s.broker.profile, "mosquitto");
  EXPECT_TRUE(s.broker.ordering);
  EXPECT_FALSE(s.broker.qos2_unanswered);
  EXPECT_EQ(s.broker.reorder_window, Duration(0));
}

TEST(Loader, AwsIotProfilePresetsItsPublishedLimitsAndEachIsOverridable) {
  Scenario aws = load(
      "name: t\nduration: 1m\nbroker: {profile: aws-iot}\n"
      "fleet: {homes: 1, per_home: [{kind: sensor}]}\n");
  EXPECT_EQ(aws.broker.profile, "aws-iot");
  EXPECT_EQ(aws.broker.payload_limit_bytes, 128 * 1024);
  EXPECT_FALSE(aws.broker.qos2);
  EXPECT_TRUE(aws.broker.qos2_unanswered);
  EXPECT_FALSE(aws.broker.ordering);
  EXPECT_GT(aws.broker.reorder_window, Duration(0));
  EXPECT_EQ(aws.broker.max_inflight, 100);
  // Key order does not matter: the profile is the starting point, the rest override it.
  Scenario tuned = load(
      "name: t\nduration: 1m\nbroker: {payload_limit: 64KiB, ordering: true, qos2: false, "
      "profile: aws-iot}\nfleet: {homes: 1, per_home: [{kind: sensor}]}\n");
  EXPECT_EQ(tuned.broker.payload_limit_bytes, 64 * 1024);
  EXPECT_TRUE(tuned.broker.ordering);
  EXPECT_EQ(tuned.broker.reorder_window, Duration(0));
  EXPECT_FALSE(tuned.broker.qos2_unanswered);
  Scenario window = load(
      "name: t\nduration: 1m\nbroker: {profile: aws-iot, reorder_window: 1s}\n"
      "fleet: {homes: 1, per_home: [{kind: sensor}]}\n");
  EXPECT_EQ(window.broker.reorder_window, Duration(std::chrono::seconds(1)));
}

TEST(LoaderLatency, BareDurationIsAConstantDistribution) {
  Scenario s =
      load(std::string(kMinimal) + "network: {links: {lan: {latency: 3ms, bandwidth: 1Gbps}}}\n");
  const LinkClass& lan = s.network.links.at("lan");
  EXPECT_EQ(lan.latency.kind, LatencyDist::Kind::constant);
  EXPECT_EQ(lan.latency.value, Duration(3ms));
  EXPECT_EQ(lan.bandwidth_bps, 1e9);
  EXPECT_EQ(s.network.links.at("uplink").latency.value, Duration(20ms));  // others default
}

TEST(LoaderFaults, EveryTargetFormSelectsWhatItSays) {
  Scenario s = load(R"(
name: f
duration: 1h
fleet:
  homes: 10
  homes_per_account: 2
  per_home: [{kind: gateway}, {kind: sensor, count: 2}]
  per_account: [{kind: app}]
faults:
  - {at: 10m, for: 90s, kind: partition, target: "homes[0:5]"}
  - {kind: disconnect, target: "kind=sensor", mtbf: 30m, mttr: 20s, graceful: true}
  - {at: 30m, kind: broker_crash, downtime: 20s}
  - {at: 40m, for: 1m, kind: latency_spike, target: isp, extra_latency: 300ms}
  - {at: 45m, for: 1m, kind: loss_burst, target: all, loss: 20%}
  - {at: 50m, kind: device_reboot, target: "name=acct1-home3-sensor1,acct4-app0"}
)");
  ASSERT_EQ(s.faults.size(), 6u);
  const Fault& partition = s.faults[0];
  EXPECT_EQ(partition.kind, Fault::Kind::partition);
  EXPECT_EQ(partition.target.kind, Target::Kind::homes);
  EXPECT_EQ(partition.target.home_begin, 0);
  EXPECT_EQ(partition.target.home_end, 5);
  EXPECT_EQ(partition.at, Duration(10min));
  EXPECT_EQ(partition.duration, Duration(90s));
  EXPECT_EQ(partition.mark.line, 10);
  const Fault& disconnect = s.faults[1];
  EXPECT_EQ(disconnect.target.kind, Target::Kind::device_kind);
  EXPECT_EQ(disconnect.target.device_kind, "sensor");
  EXPECT_FALSE(disconnect.at);
  EXPECT_EQ(disconnect.mtbf, Duration(30min));
  EXPECT_EQ(disconnect.mttr, Duration(20s));
  EXPECT_TRUE(disconnect.graceful);
  EXPECT_EQ(s.faults[2].target.kind, Target::Kind::broker);
  EXPECT_EQ(s.faults[2].downtime, Duration(20s));
  EXPECT_EQ(s.faults[3].target.kind, Target::Kind::isp);
  EXPECT_EQ(s.faults[3].extra_latency, Duration(300ms));
  EXPECT_EQ(s.faults[4].target.kind, Target::Kind::all);
  EXPECT_DOUBLE_EQ(s.faults[4].loss, 0.2);
  EXPECT_EQ(s.faults[5].target.kind, Target::Kind::names);
  EXPECT_EQ(s.faults[5].target.names,
            (std::vector<std::string>{"acct1-home3-sensor1", "acct4-app0"}));
  EXPECT_EQ(s.faults[5].target.text, "name=acct1-home3-sensor1,acct4-app0");
}

TEST(LoaderYaml, AnchorsAndAliasesAreResolved) {
  Scenario s = load(R"(
name: anchors
duration: 10m
fleet:
  homes: 2
  per_home:
    - {kind: light, params: &fast {report_every: 5s}}
    - {kind: gateway, params: {summary_every: 5s}}
)");
  EXPECT_EQ(s.fleet.per_home[0].params.get_duration("report_every"), Duration(5s));
}

TEST(FleetNames, ClientIdsFollowTheAccountHomeKindIndexScheme) {
  Fleet fleet;
  fleet.homes = 5;
  fleet.homes_per_account = 2;
  fleet.per_home = {{"light", 2, {}, {}}};
  fleet.per_account = {{"app", 1, {}, {}}};
  EXPECT_EQ(account_count(fleet), 3);
  EXPECT_EQ(account_of_home(fleet, 4), 2);
  EXPECT_EQ(home_client_id(2, 4, "light", 1), "acct2-home4-light1");
  EXPECT_EQ(account_client_id(2, "app", 0), "acct2-app0");
  EXPECT_TRUE(find_client(fleet, "acct2-home4-light1"));
  EXPECT_TRUE(find_client(fleet, "acct2-app0"));
  EXPECT_FALSE(find_client(fleet, "acct1-home4-light1"));  // home 4 is in account 2
  EXPECT_FALSE(find_client(fleet, "acct2-home5-light0"));  // only homes 0..4
  EXPECT_FALSE(find_client(fleet, "acct2-home4-light2"));  // only light0, light1
  EXPECT_FALSE(find_client(fleet, "acct3-app0"));
  EXPECT_FALSE(find_client(fleet, "acct02-app0"));
  auto ref = find_client(fleet, "acct1-home3-light0");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->account, 1);
  EXPECT_EQ(ref->home, 3);
  EXPECT_EQ(ref->kind, "light");
  EXPECT_EQ(ref->index, 0);
}

TEST(ExampleScenarios, EveryFileInScenariosLoads) {
  int loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(MQTTBED_SOURCE_DIR "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    Scenario s = load_scenario_file(entry.path().string(), testing::test_catalog());
    EXPECT_EQ(s.name, entry.path().stem().string()) << "name: should match the file name";
    ++loaded;
  }
  EXPECT_GE(loaded, 5);
}

TEST(ExampleScenarios, SmartHomeIsAFleetOfMoreThanTenThousandDevices) {
  Scenario s =
      load_scenario_file(MQTTBED_SOURCE_DIR "/scenarios/smart-home.yaml", testing::test_catalog());
  EXPECT_GE(device_count(s.fleet), 10'000);
  EXPECT_EQ(s.duration, Duration(1h));
}

TEST(ExampleScenarios, ReconnectStormCutsEveryUplinkAtOnce) {
  Scenario s = load_scenario_file(MQTTBED_SOURCE_DIR "/scenarios/reconnect-storm.yaml",
                                  testing::test_catalog());
  ASSERT_EQ(s.faults.size(), 1u);
  EXPECT_EQ(s.faults[0].kind, Fault::Kind::partition);
  EXPECT_EQ(s.faults[0].target.kind, Target::Kind::isp);
  EXPECT_TRUE(s.faults[0].at && s.faults[0].duration);
}

TEST(LoaderFile, MissingFileIsAScenarioErrorNamingIt) {
  try {
    load_scenario_file("/nonexistent/x.yaml", testing::test_catalog());
    FAIL() << "expected ScenarioError";
  } catch (const ScenarioError& error) {
    EXPECT_EQ(error.file(), "/nonexistent/x.yaml");
    EXPECT_NE(std::string(error.what()).find("/nonexistent/x.yaml: cannot open"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace mqttbed::scenario
