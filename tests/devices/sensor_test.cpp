// The sensor: seq/total streams, exact payload size, period with jitter, offline backlog.
#include "devices/sensor.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/devices/device_harness.h"

namespace mqttbed::devices {
namespace {

using namespace std::chrono_literals;
using testing::parse;

class SensorTest : public ::testing::Test {
 protected:
  SensorTest() : harness("sensor"), identity(home_identity(0, 0, "sensor", 0)) {
    harness.params.set("every", scenario::Duration(10s));
    harness.params.set("jitter", scenario::Duration(0s));
  }
  void boot() {
    device = harness.make(identity);
    device->start();
    client().accept(false);
  }
  testing::FakeMqttClient& client() { return harness.client(identity.client_id); }
  std::vector<testing::SentPublish> readings() {
    return client().publishes_to(state_topic(identity));
  }

  testing::DeviceHarness harness;
  DeviceIdentity identity;
  std::unique_ptr<Device> device;
};

TEST_F(SensorTest, ReadingsCarrySeqAndTotalAsTopLevelNumbersAndFillPayloadBytes) {
  harness.params.set("payload_bytes", std::int64_t{200});
  harness.params.set("qos", std::int64_t{2});
  boot();
  harness.runtime.advance(10s);
  ASSERT_EQ(readings().size(), 1u);
  EXPECT_EQ(readings()[0].payload.size(), 200u);
  EXPECT_EQ(readings()[0].qos, 2);
  const auto body = parse(readings()[0].payload);
  EXPECT_TRUE(body["seq"].is_number_integer());
  EXPECT_TRUE(body["total"].is_number_integer());
  EXPECT_EQ(body["seq"], 1);
  EXPECT_EQ(body["total"], 10);
}

// payload_bytes is the size on the wire: the runtime's envelope is counted in it, so a sensor
// configured at the broker's payload limit stays within it (docs/devices.md).
TEST_F(SensorTest, PayloadBytesCountTheRuntimesEnvelope) {
  harness.runtime.payload_overhead_bytes = 40;
  harness.params.set("payload_bytes", std::int64_t{200});
  boot();
  harness.runtime.advance(10s);
  ASSERT_EQ(readings().size(), 1u);
  EXPECT_EQ(readings()[0].payload.size() + 40, 200u);
}

TEST_F(SensorTest, StopsReadingWhenTheWorkloadEndsButStaysConnected) {
  boot();
  harness.runtime.advance(30s);
  ASSERT_EQ(readings().size(), 3u);
  device->stop_workload();
  harness.runtime.advance(60s);
  EXPECT_EQ(readings().size(), 3u);
  EXPECT_TRUE(client().is_connected());
}

TEST_F(SensorTest, ASmallPayloadBytesLeavesTheBareReading) {
  harness.params.set("payload_bytes", std::int64_t{10});
  boot();
  harness.runtime.advance(10s);
  const auto body = parse(readings()[0].payload);
  EXPECT_FALSE(body.contains("pad"));
  EXPECT_EQ(body["seq"], 1);
}

TEST_F(SensorTest, SeqRunsOneToTotalThenANewStreamBegins) {
  harness.params.set("total", std::int64_t{3});
  boot();
  harness.runtime.advance(70s);
  ASSERT_EQ(readings().size(), 7u);
  std::vector<int> seqs;
  std::vector<std::uint64_t> streams;
  for (const auto& reading : readings()) {
    const auto body = parse(reading.payload);
    seqs.push_back(body["seq"]);
    streams.push_back(body["stream"]);
    EXPECT_EQ(body["total"], 3);
  }
  EXPECT_EQ(seqs, (std::vector<int>{1, 2, 3, 1, 2, 3, 1}));
  EXPECT_EQ(streams[0], streams[2]);
  EXPECT_EQ(streams[3], streams[0] + 1);
  EXPECT_EQ(streams[6], streams[0] + 2);
}

TEST_F(SensorTest, PeriodIsEveryPlusOrMinusJitter) {
  harness.params.set("jitter", scenario::Duration(2s));
  boot();
  std::set<std::int64_t> waits;
  for (int i = 0; i < 50; ++i) {
    const runtime::Duration wait = harness.runtime.next_timer_in();
    ASSERT_GE(wait, 8s);
    ASSERT_LE(wait, 12s);
    waits.insert(wait.count());
    harness.runtime.advance(wait);
  }
  EXPECT_GT(waits.size(), 40u) << "no jitter";
  EXPECT_EQ(readings().size(), 50u);
}

TEST_F(SensorTest, ReadingsTakenOfflineAreSentInOrderOnReconnect) {
  boot();
  harness.runtime.advance(10s);
  client().lose();
  const runtime::Duration retry = harness.runtime.next_timer_in();  // reconnect timer
  harness.runtime.advance(30s);
  EXPECT_EQ(static_cast<Sensor&>(*device).backlog(), 3u);
  EXPECT_GE(30s, retry);
  client().accept(true);
  ASSERT_EQ(readings().size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(parse(readings()[i].payload)["seq"], i + 1);
}

TEST_F(SensorTest, AFullBacklogDropsTheOldestReadings) {
  harness.params.set("offline_buffer", std::int64_t{2});
  boot();
  client().lose();
  harness.runtime.advance(40s);
  EXPECT_EQ(static_cast<Sensor&>(*device).dropped_readings(), 2u);
  client().accept(true);
  ASSERT_EQ(readings().size(), 2u);
  EXPECT_EQ(parse(readings()[0].payload)["seq"], 3);
}

}  // namespace
}  // namespace mqttbed::devices
