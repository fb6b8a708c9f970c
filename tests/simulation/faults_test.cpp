// What each fault kind does to a simulated fleet, observed from the client-side history.
#include <gtest/gtest.h>

#include "tests/simulation/sim_harness.h"

namespace mqttbed::testing {
namespace {

using history::EventType;

constexpr const char* kGateway = "acct0-home0-gateway0";
constexpr const char* kSensor = "acct0-home0-sensor0";
constexpr const char* kApp = "acct0-app0";

TEST(SimulationFaults, UngracefulDisconnectPublishesWillAfterOneAndAHalfKeepalives) {
  SimulatedRun run;
  simulate(small_fleet_yaml(
               R"([{at: 30s, for: 60s, kind: disconnect, target: "name=acct0-home0-gateway0"}])"),
           run);
  auto wills = run.wills_to(kApp);
  ASSERT_EQ(wills.size(), 1u);
  EXPECT_EQ(run.history.client_name(wills[0].msg.publisher), kGateway);
  // MQTT-3.1.2-24: the broker gives up 1.5 x keepalive (10 s) after the last packet it got;
  // the gateway's last packet came at most one keepalive before the cut.
  EXPECT_GE(run.seconds(wills[0]), 30.0 + 15.0 - 10.0);
  EXPECT_LE(run.seconds(wills[0]), 30.0 + 15.0 + 1.0);
  // And the gateway comes back after the window.
  auto connacks = run.of(EventType::connack, kGateway);
  ASSERT_GE(connacks.size(), 2u);
  EXPECT_GE(run.seconds(connacks.back()), 90.0);
}

TEST(SimulationFaults, GracefulDisconnectPublishesNoWill) {
  SimulatedRun run;
  simulate(small_fleet_yaml(R"([{at: 30s, for: 60s, kind: disconnect, graceful: true,
                                 target: "name=acct0-home0-gateway0"}])"),
           run);
  EXPECT_TRUE(run.wills_to(kApp).empty());
  EXPECT_EQ(run.of(EventType::disconnect_sent, kGateway).size(), 1u);
  EXPECT_GE(run.of(EventType::connack, kGateway).size(), 2u);  // resumed after the window
}

TEST(SimulationFaults, PartitionBreaksConnectionsAndFiresWills) {
  SimulatedRun run;
  simulate(small_fleet_yaml(R"([{at: 30s, for: 60s, kind: partition, target: "homes[0:1]"}])"),
           run);
  // The sensor keeps publishing into the cut: its retransmissions give up and it sees the
  // connection lost; the broker fires the gateway's will by keepalive.
  EXPECT_FALSE(run.of(EventType::connection_lost, kSensor).empty());
  EXPECT_EQ(run.wills_to(kApp).size(), 1u);
  EXPECT_GT(run.stats.retransmissions, 0u);
  EXPECT_GT(run.stats.broken_connections, 0u);
}

TEST(SimulationFaults, BrokerCrashDropsEveryConnectionWithoutWills) {
  SimulatedRun run;
  simulate(small_fleet_yaml(R"([{at: 30s, kind: broker_crash, downtime: 10s}])"), run);
  for (const char* client : {kGateway, kSensor, kApp}) {
    auto lost = run.of(EventType::connection_lost, client);
    ASSERT_EQ(lost.size(), 1u) << client;
    EXPECT_NEAR(run.seconds(lost[0]), 30.0, 0.5) << client;
    auto connacks = run.of(EventType::connack, client);
    ASSERT_GE(connacks.size(), 2u) << client;
    EXPECT_GE(run.seconds(connacks.back()), 40.0) << client;  // refused while down
    EXPECT_TRUE(connacks.back().session_present) << client;   // persistence kept the session
  }
  EXPECT_TRUE(run.wills_to(kApp).empty());  // a crashed broker publishes no wills
}

TEST(SimulationFaults, BrokerCrashWithoutPersistenceLosesSessions) {
  SimulatedRun run;
  simulate(small_fleet_yaml(R"([{at: 30s, kind: broker_crash, downtime: 10s}])",
                            "broker: {persistence: false}\n"),
           run);
  auto connacks = run.of(EventType::connack, kSensor);
  ASSERT_GE(connacks.size(), 2u);
  EXPECT_FALSE(connacks.back().session_present);
}

TEST(SimulationFaults, DeviceRebootReconnectsToItsPersistentSession) {
  SimulatedRun run;
  simulate(small_fleet_yaml(
               R"([{at: 30s, for: 5s, kind: device_reboot, target: "name=acct0-home0-sensor0"}])"),
           run);
  auto lost = run.of(EventType::connection_lost, kSensor);
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_NEAR(run.seconds(lost[0]), 30.0, 0.001);
  auto connacks = run.of(EventType::connack, kSensor);
  ASSERT_EQ(connacks.size(), 2u);
  EXPECT_GE(run.seconds(connacks[1]), 35.0);
  EXPECT_TRUE(connacks[1].session_present);
}

// Publish-to-delivery time of the sensor's messages at the app, per window.
double mean_latency_s(const SimulatedRun& run, double from_s, double to_s) {
  std::map<std::uint64_t, double> sent;
  for (const auto& e : run.of(EventType::publish_sent, kSensor)) sent[e.msg.seq] = run.seconds(e);
  double total = 0;
  int count = 0;
  for (const auto& e : run.of(EventType::delivered, kApp)) {
    if (run.history.client_name(e.msg.publisher) != kSensor || !sent.count(e.msg.seq)) continue;
    double at = sent[e.msg.seq];
    if (at < from_s || at >= to_s) continue;
    total += run.seconds(e) - at;
    ++count;
  }
  return count ? total / count : 0;
}

TEST(SimulationFaults, LatencySpikeDelaysDeliveries) {
  SimulatedRun run;
  simulate(small_fleet_yaml(R"([{at: 30s, for: 30s, kind: latency_spike, target: isp,
                                 extra_latency: 500ms}])"),
           run);
  double before = mean_latency_s(run, 10, 30);
  double during = mean_latency_s(run, 31, 59);
  EXPECT_LT(before, 0.2);
  // Only the home's ISP uplink is slowed (the app is on a phone): +0.5 s one way.
  EXPECT_GT(during, before + 0.45);
  EXPECT_LT(during, before + 0.6);
}

TEST(SimulationFaults, LossBurstCausesRetransmissionsButNoLoss) {
  SimulatedRun run;
  simulate(small_fleet_yaml(R"([{at: 30s, for: 30s, kind: loss_burst, target: "homes[0:1]",
                                 loss: 30%}])"),
           run);
  EXPECT_GT(run.stats.retransmissions, 0u);
  double before = mean_latency_s(run, 10, 30);
  double during = mean_latency_s(run, 30, 60);
  EXPECT_GT(during, before);
}

TEST(SimulationNetwork, UplinkBandwidthShapesTransferTime) {
  // A 100 KiB payload over a 1 Mbps uplink takes ~0.8 s more than over 100 Mbps.
  auto latency_with = [](const std::string& bandwidth) {
    SimulatedRun run;
    std::string yaml = small_fleet_yaml("[]");
    auto replace = [&yaml](const std::string& from, const std::string& to) {
      yaml.replace(yaml.find(from), from.size(), to);
    };
    replace("bandwidth: 20Mbps", "bandwidth: " + bandwidth);
    replace("{every: 5s, qos: 1}", "{every: 5s, qos: 1, payload_bytes: 100KiB}");
    simulate(yaml, run);
    return mean_latency_s(run, 10, 100);
  };
  // One engine per process: only one run here, against a known lower bound.
  double slow = latency_with("1Mbps");
  EXPECT_GT(slow, 2 * 100 * 1024 * 8 / 1e6);  // crosses the sensor's and the app's uplink
}

}  // namespace
}  // namespace mqttbed::testing
