// The replay's delivery semantics on a hand-made workload with constant 10 ms paths:
// push delivers every command at once, short polling waits for the next poll and keeps only
// the newest value per topic (or every message with :queue), long polling answers held
// requests as messages arrive; MQTT keepalive pings are counted per idle period.
#include "sim/compare/replay.h"

#include <gtest/gtest.h>

#include "sim/transport/wire.h"

namespace mqttbed::compare {
namespace {

scenario::Scenario ten_ms_network() {
  scenario::Scenario s;
  s.seed = 3;
  for (const char* name : {"lan", "uplink", "cloud"}) {
    scenario::LinkClass link;
    link.name = name;
    link.latency.value = std::string(name) == "uplink" ? std::chrono::milliseconds(10)
                                                       : std::chrono::milliseconds(0);
    s.network.links[name] = link;
  }
  return s;
}

Workload light_with_commands(std::uint16_t keepalive_s) {
  ClientWork light;
  light.name = "acct0-home0-light0";
  light.kind = "light";
  light.site = Site::home;
  light.connects = {0.0};
  light.sessions = {{0.0, 100.0, false}};
  light.subscribes = {{0.0, "acct0/home0/light0/set"}};
  light.keepalive_s = keepalive_s;
  // Two commands 1 ms apart (a state change shorter than any polling period), then one more.
  for (double published : {10.0, 10.001, 50.0}) {
    Delivery d;
    d.published = published;
    d.time = published + 0.02;  // 10 ms up, 10 ms down
    d.topic = "acct0/home0/light0/set";
    d.bytes = 20;
    d.publisher_site = Site::phone;
    light.deliveries.push_back(d);
  }
  return Workload{100.0, {light}};
}

TransportResult replay_named(const std::string& list, const Workload& workload) {
  return replay(parse_transports(list).front(), workload, ten_ms_network(), RadioChoice{});
}

TEST(Replay, MqttPushesEveryCommandWithTheRunsOwnLatency) {
  TransportResult r = replay_named("mqtt", light_with_commands(30));
  EXPECT_EQ(r.delivered, 3u);
  EXPECT_EQ(r.superseded, 0u);
  ASSERT_EQ(r.command_latency_s.size(), 3u);
  for (double latency : r.command_latency_s) EXPECT_NEAR(latency, 0.02, 1e-9);
  EXPECT_EQ(r.connections_max, 1u);
  EXPECT_NEAR(r.connections_mean, 1.0, 1e-9);
}

TEST(Replay, MqttCountsOnePingPerIdleKeepalivePeriod) {
  // Session 0..100 s, nothing sent after t=0: PINGREQ at 30, 60 and 90 s, each a 2-byte
  // PINGREQ and PINGRESP in their own segments plus the client's ACK: 42 + 42 + 40.
  std::uint64_t with = replay_named("mqtt", light_with_commands(30)).kinds["light"].wire.total();
  std::uint64_t without = replay_named("mqtt", light_with_commands(0)).kinds["light"].wire.total();
  EXPECT_EQ(with - without, 3u * 124u);
}

TEST(Replay, ShortPollingWaitsForThePollAndSupersedesOlderState) {
  TransportResult r = replay_named("http-poll:30s", light_with_commands(30));
  EXPECT_EQ(r.superseded, 1u);  // 10.000 replaced by 10.001 before any poll could see it
  EXPECT_EQ(r.delivered, 2u);
  EXPECT_EQ(r.undelivered, 0u);
  for (double latency : r.command_latency_s) {
    EXPECT_GE(latency, 0.02);
    EXPECT_LE(latency, 30.0 + 0.02 + 1e-9);
  }
  TransportResult queued = replay_named("http-poll:30s:queue", light_with_commands(30));
  EXPECT_EQ(queued.superseded, 0u);
  EXPECT_EQ(queued.delivered, 3u);
  // Polls at the connect plus every 30 s within 100 s: 4 or 5 requests.
  EXPECT_GE(queued.requests, 4u);
  EXPECT_LE(queued.requests, 5u);
}

TEST(Replay, PollBodiesSplitIntoMessagePayloadAndFramingOverhead) {
  // Every transport carries the same command payloads down (3 x 20 bytes with :queue).
  for (const char* name :
       {"http-poll:30s:queue", "https-poll:30s:queue", "http2-poll:30s:queue", "http-long-poll"}) {
    TransportResult r = replay_named(name, light_with_commands(30));
    const transport::WireCost& wire = r.kinds["light"].wire;
    EXPECT_EQ(wire.down_payload, 60u) << name;
    // At most 5 polls of at most a few hundred bytes each, however they are framed.
    EXPECT_LT(wire.down_overhead, 5u * 400u) << name;
    EXPECT_GT(wire.down_overhead, 0u) << name;
  }
}

TEST(Replay, LongPollingAnswersHeldRequestsAsMessagesArrive) {
  TransportResult r = replay_named("http-long-poll", light_with_commands(30));
  EXPECT_EQ(r.delivered, 3u);
  EXPECT_EQ(r.superseded, 0u);
  ASSERT_EQ(r.command_latency_s.size(), 3u);
  // The first is answered at once (10 ms down); the second waits for the re-issued request.
  EXPECT_NEAR(r.command_latency_s.front(), 0.02, 1e-9);
  EXPECT_LT(r.command_latency_s.back(), 0.1);
}

TEST(Replay, TlsAndWebSocketOnlyAddBytesToTheSamePackets) {
  Workload w = light_with_commands(30);
  TransportResult plain = replay_named("mqtt", w);
  TransportResult wss = replay_named("mqtt-wss", w);
  const transport::WireCost& a = plain.kinds["light"].wire;
  const transport::WireCost& b = wss.kinds["light"].wire;
  EXPECT_EQ(a.packets, b.packets);
  EXPECT_EQ(a.down_payload, b.down_payload);
  // Each server->client packet gains a 2-byte frame header and a 22-byte TLS 1.3 record:
  // SUBACK, 3 PUBLISHes, 3 PINGRESPs.
  EXPECT_EQ(b.down_overhead - a.down_overhead, 7u * (2 + 22));
  // Each client->server packet a masked frame header (6) and a record (22): SUBSCRIBE and
  // 3 PINGREQs.
  EXPECT_EQ(b.up_overhead - a.up_overhead, 4u * (6 + 22));
  EXPECT_GT(wss.kinds["light"].startup.total(), plain.kinds["light"].startup.total() + 4000);
}

}  // namespace
}  // namespace mqttbed::compare
