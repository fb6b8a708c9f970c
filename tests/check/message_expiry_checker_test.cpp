// Message expiry checker, both ways, and the delivery checkers treating an expired message as
// not owed.
#include <gtest/gtest.h>

#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

constexpr std::int64_t kS = 1'000'000'000;

// "pub" publishes at QoS 1 with `expiry_s`, acknowledged; "sub" (persistent, subscribed) was
// away for `away_s` seconds after the ack, then reconnects and receives it with `forwarded_s`.
struct Expiry {
  explicit Expiry(const std::vector<std::string>& checks) : bed(checks) {
    bed.connect("sub", /*clean=*/false);
    bed.subscribe("sub", "t", 1);
    bed.connect("pub");
  }
  history::EnvelopedPublish publish_while_away(std::uint32_t expiry_s, std::int64_t away_s) {
    bed["sub"].connection_lost("network");
    bed.tick();
    auto sent = bed["pub"].publish_sent("t", 1, false, "x", expiry_s);
    bed.tick();
    bed["pub"].publish_acked(sent.seq);
    bed.tick(away_s * kS);
    bed.connect("sub", /*clean=*/false, /*session_present=*/true);
    return sent;
  }
  Bed bed;
};

TEST(MessageExpiryChecker, ForwardedWithWhatIsLeftPasses) {
  Expiry e({"message_expiry"});
  auto sent = e.publish_while_away(60, 10);
  e.bed["sub"].delivered("t", 1, false, false, sent.payload, 50);
  const Verdict& v = e.bed.verdict("message_expiry");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 1u);
}

TEST(MessageExpiryChecker, DeliveredAfterExpiryFails) {  // MQTT-3.3.2-5
  Expiry e({"message_expiry"});
  auto sent = e.publish_while_away(5, 10);
  e.bed["sub"].delivered("t", 1, false, false, sent.payload, 5);
  const Verdict& v = e.bed.verdict("message_expiry");
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.3.2-5");
  EXPECT_EQ(v.violations.at(0).clients, (std::vector<std::string>{"pub", "sub"}));
}

TEST(MessageExpiryChecker, IntervalNotLoweredFails) {  // MQTT-3.3.2-6
  Expiry e({"message_expiry"});
  auto sent = e.publish_while_away(60, 10);
  e.bed["sub"].delivered("t", 1, false, false, sent.payload, 60);
  const Verdict& v = e.bed.verdict("message_expiry");
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.3.2-6");
}

TEST(MessageExpiryChecker, IntervalDroppedOnForwardFails) {  // MQTT-3.3.2-6
  Expiry e({"message_expiry"});
  auto sent = e.publish_while_away(60, 1);
  e.bed["sub"].delivered("t", 1, false, false, sent.payload, 0);
  EXPECT_FALSE(e.bed.verdict("message_expiry").passed);
}

// The broker forwards before it acknowledges: the delivery is judged when the ack comes.
TEST(MessageExpiryChecker, DeliveryBeforeTheAckIsJudgedAtTheAck) {
  Expiry e({"message_expiry"});
  auto sent = e.bed["pub"].publish_sent("t", 1, false, "x", 60);
  e.bed.tick();
  e.bed["sub"].delivered("t", 1, false, false, sent.payload, 60);
  e.bed.tick();
  e.bed["pub"].publish_acked(sent.seq);
  const Verdict& v = e.bed.verdict("message_expiry");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 1u);
  EXPECT_EQ(v.counts.indeterminate, 0u);
}

// A DUP resend finishes a delivery the server had started: MQTT-3.3.2-5 allows it.
TEST(MessageExpiryChecker, ResendAfterExpiryIsIndeterminate) {
  Expiry e({"message_expiry"});
  auto sent = e.publish_while_away(5, 10);
  e.bed["sub"].delivered("t", 1, false, /*dup=*/true, sent.payload, 5);
  const Verdict& v = e.bed.verdict("message_expiry");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.indeterminate, 1u);
}

// The honest broker dropped it: the QoS 1 and sessions promises do not owe it.
TEST(MessageExpiryChecker, AnExpiredMessageIsNotOwed) {
  Expiry e({"qos", "sessions", "message_expiry"});
  e.publish_while_away(5, 10);
  e.bed.tick(2 * kS);
  for (const char* name : {"qos1", "sessions", "message_expiry"}) {
    const Verdict& v = e.bed.verdict(name);
    EXPECT_TRUE(v.passed) << name << ": " << explain(v);
  }
  EXPECT_EQ(e.bed.verdict("qos1").counts.lost, 0u);
}

// Without an interval the same absence is a loss: the exemption is the expiry's only.
TEST(MessageExpiryChecker, WithoutAnIntervalTheMessageIsOwed) {
  Expiry e({"sessions"});
  e.publish_while_away(0, 10);
  e.bed.tick(2 * kS);
  EXPECT_FALSE(e.bed.verdict("sessions").passed);
}

}  // namespace
}  // namespace mqttbed::check::testing
