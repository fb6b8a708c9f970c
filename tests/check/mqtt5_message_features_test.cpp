// The MQTT 5 message features' verdicts, both ways: the Will Delay Interval (will check),
// shared subscriptions, and the forwarded properties with request/response.
#include <gtest/gtest.h>

#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

constexpr std::int64_t kS = 1'000'000'000;

// "gw" (MQTT 5, session expiry 300 s, keepalive 10 s) sets a will on "status" with a 30 s
// Will Delay Interval; "sub" holds "status". gw hears from the broker, then loses its
// connection a second later.
struct DelayedWill {
  DelayedWill() : bed({"will"}) {
    bed.connect("sub", /*clean=*/false);
    bed.subscribe("sub", "status", 1);
    bed["gw"].set_protocol_level(5);
    will = bed["gw"].connect_sent(false, "status", 1, false, "offline", 300u, 10, 30);
    bed.tick();
    bed["gw"].connack(false, 0);
    bed.tick(kS);
    bed["gw"].connection_lost("network");
  }
  void deliver_after(std::int64_t seconds) {
    bed.tick(seconds * kS);
    bed.deliver("sub", "status", 1, will);
  }
  Bed bed;
  std::string will;
};

TEST(WillDelay, PublishedAfterTheDelayPasses) {  // MQTT-3.1.2-8
  DelayedWill w;
  w.deliver_after(15 + 30);
  const Verdict& v = w.bed.verdict("will");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 1u);
}

TEST(WillDelay, PublishedBeforeTheDelayFails) {  // MQTT-3.1.2-8
  DelayedWill w;
  w.deliver_after(5);
  const Verdict& v = w.bed.verdict("will");
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.1.2-8");
}

TEST(WillDelay, ReconnectionWithinTheDelayCancelsIt) {  // MQTT-3.1.3-9
  DelayedWill w;
  w.bed.tick(10 * kS);
  w.bed["gw"].connect_sent(false, "status", 1, false, "offline", 300u, 10, 30);
  w.bed.tick();
  w.bed["gw"].connack(true, 0);
  const Verdict& v = w.bed.verdict("will");  // never published: nothing was owed
  EXPECT_TRUE(v.passed) << explain(v);
}

TEST(WillDelay, WillAfterACancellingReconnectionFails) {  // MQTT-3.1.3-9
  DelayedWill w;
  w.bed.tick(10 * kS);
  w.bed["gw"].connect_sent(false, "status", 1, false, "offline", 300u, 10, 30);
  w.bed.tick();
  w.bed["gw"].connack(true, 0);
  w.deliver_after(40);
  const Verdict& v = w.bed.verdict("will");
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.1.3-9");
}

// "b1" and "b2" share "$share/g/t/#" at QoS 1; "pub" publishes on t/x at QoS 1, acknowledged.
struct Share {
  Share() : bed({"shared_subscriptions", "deliveries"}) {
    for (const char* member : {"b1", "b2"}) {
      bed[member].set_protocol_level(5);
      bed.connect(member);
      bed.subscribe(member, "$share/g/t/#", 1);
    }
    bed.connect("pub");
    sent = bed.publish("pub", "t/x", 1);
    bed.tick();
  }
  Bed bed;
  history::EnvelopedPublish sent;
};

TEST(SharedSubscriptions, OneMemberPasses) {
  Share s;
  s.bed.deliver("b2", "t/x", 1, s.sent);
  for (const char* check : {"shared_subscriptions", "deliveries"}) {
    const Verdict& v = s.bed.verdict(check);
    EXPECT_TRUE(v.passed) << explain(v);
  }
  EXPECT_EQ(s.bed.verdict("shared_subscriptions").counts.ok, 1u);
}

TEST(SharedSubscriptions, EveryMemberFails) {  // §4.8.2
  Share s;
  s.bed.deliver("b1", "t/x", 1, s.sent);
  s.bed.deliver("b2", "t/x", 1, s.sent);
  const Verdict& v = s.bed.verdict("shared_subscriptions");
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT 5 §4.8.2");
}

TEST(SharedSubscriptions, QoS1AgainAfterTheFirstMemberLeftPasses) {  // §4.8.2 MAY
  Share s;
  s.bed.deliver("b1", "t/x", 1, s.sent);
  s.bed.tick();
  s.bed["b1"].connection_lost("network");
  s.bed.tick();
  s.bed.deliver("b2", "t/x", 1, s.sent);
  const Verdict& v = s.bed.verdict("shared_subscriptions");
  EXPECT_TRUE(v.passed) << explain(v);
}

TEST(SharedSubscriptions, NoMemberWhileAllStayedFails) {  // MQTT-4.5.0-1
  Share s;
  const Verdict& v = s.bed.verdict("shared_subscriptions");
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.counts.lost, 1u);
}

// "pub" and "sub" speak MQTT 5; sub holds "t".
struct Props {
  Props() : bed({"properties"}) {
    for (const char* client : {"pub", "sub"}) {
      bed[client].set_protocol_level(5);
      bed.connect(client);
    }
    bed.subscribe("sub", "t", 1);
    sent_properties.user = {{"a", "1"}, {"b", "2"}};
    sent_properties.response_topic = "reply/pub";
    sent_properties.correlation_data = std::string("c\x01", 2);
    sent = bed["pub"].publish_sent("t", 1, false, "x", 0, sent_properties);
    bed.tick();
  }
  void deliver(const mqtt::ApplicationProperties& properties) {
    bed["sub"].delivered("t", 1, false, false, sent.payload, 0, {}, properties);
  }
  Bed bed;
  mqtt::ApplicationProperties sent_properties;
  history::EnvelopedPublish sent;
};

TEST(Properties, ForwardedUnalteredPasses) {
  Props p;
  p.deliver(p.sent_properties);
  const Verdict& v = p.bed.verdict("properties");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 1u);
}

TEST(Properties, UserPropertiesReorderedFails) {  // MQTT-3.3.2-18
  Props p;
  auto got = p.sent_properties;
  std::swap(got.user[0], got.user[1]);
  p.deliver(got);
  const Verdict& v = p.bed.verdict("properties");
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.3.2-18");
}

TEST(Properties, CorrelationDataDroppedFails) {  // MQTT-3.3.2-16
  Props p;
  auto got = p.sent_properties;
  got.correlation_data.clear();
  p.deliver(got);
  const Verdict& v = p.bed.verdict("properties");
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.3.2-16");
}

TEST(Properties, OneResponsePerRequestPasses) {  // §4.10
  Props p;
  p.bed["pub"].set_protocol_level(5);
  mqtt::ApplicationProperties answer;
  answer.correlation_data = p.sent_properties.correlation_data;
  auto response = p.bed["sub"].publish_sent("reply/pub", 1, false, "on", 0, answer);
  p.bed.tick();
  p.bed["pub"].delivered("reply/pub", 1, false, false, response.payload, 0, {}, answer);
  const Verdict& v = p.bed.verdict("properties");
  EXPECT_TRUE(v.passed) << explain(v);
}

TEST(Properties, SecondResponseOrForeignCorrelationFails) {  // §4.10, MQTT-3.3.2-16
  Props p;
  mqtt::ApplicationProperties answer;
  answer.correlation_data = p.sent_properties.correlation_data;
  for (int i = 0; i < 2; ++i) {
    auto response = p.bed["sub"].publish_sent("reply/pub", 1, false, "on", 0, answer);
    p.bed.tick();
    p.bed["pub"].delivered("reply/pub", 1, false, false, response.payload, 0, {}, answer);
  }
  mqtt::ApplicationProperties foreign;
  foreign.correlation_data = "zz";
  auto stray = p.bed["sub"].publish_sent("reply/pub", 1, false, "on", 0, foreign);
  p.bed["pub"].delivered("reply/pub", 1, false, false, stray.payload, 0, {}, foreign);
  const Verdict& v = p.bed.verdict("properties");
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.violation_count, 2u);
}

}  // namespace
}  // namespace mqttbed::check::testing
