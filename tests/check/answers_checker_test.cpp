// Answers checker: a QoS 1/2 PUBLISH and a SUBSCRIBE get their answer while the connection
// stays up; a connection that ends first makes a missing answer indeterminate.
#include <gtest/gtest.h>

#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

TEST(AnswersChecker, AnsweredPublishesAndSubscribesPass) {
  Bed bed({"answers"});
  bed.connect("dev");
  bed.publish("dev", "t", 1);
  bed.publish("dev", "t", 2);
  bed.subscribe("dev", "t/#", 1);
  bed.subscribe("dev", "secret/#", 0x80);  // a refusal is an answer too
  const Verdict& v = bed.verdict("answers");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.checked, 4u);
  EXPECT_EQ(v.counts.ok, 4u);
}

TEST(AnswersChecker, UnansweredPublishOnAnOpenConnectionFails) {
  Bed bed({"answers"});
  bed.connect("dev");
  bed.publish("dev", "t", 1, "x", false, /*acked=*/false);
  bed.publish("dev", "t", 2, "x", false, /*acked=*/false);
  bed.publish("dev", "t", 0, "x");  // QoS 0: nothing to answer
  const Verdict& v = bed.verdict("answers");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.lost, 2u);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-4.3.2-2");
  EXPECT_EQ(v.violations.at(1).spec, "MQTT-4.3.3-2");
}

TEST(AnswersChecker, UnansweredSubscribeOnAnOpenConnectionFails) {
  Bed bed({"answers"});
  bed.connect("dev");
  bed["dev"].subscribe_sent("t/#", 1);
  const Verdict& v = bed.verdict("answers");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.8.4-1");
  EXPECT_EQ(v.violations.at(0).topic, "t/#");
}

TEST(AnswersChecker, ConnectionEndingBeforeTheAnswerIsIndeterminate) {
  Bed bed({"answers"});
  bed.connect("dev");
  bed.publish("dev", "t", 1, "x", false, /*acked=*/false);
  bed["dev"].subscribe_sent("t/#", 1);
  bed["dev"].connection_lost("network");
  const Verdict& v = bed.verdict("answers");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.indeterminate, 2u);
}

// A persistent session's resend is acknowledged on the next connection (MQTT-4.4.0-1).
TEST(AnswersChecker, PublishAcknowledgedAfterAReconnectPasses) {
  Bed bed({"answers"});
  bed.connect("dev", false);
  auto sent = bed.publish("dev", "t", 1, "x", false, /*acked=*/false);
  bed["dev"].connection_lost("network");
  bed.connect("dev", false, true);
  bed["dev"].publish_acked(sent.seq);
  const Verdict& v = bed.verdict("answers");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 1u);
  EXPECT_EQ(v.counts.indeterminate, 0u);
}

// Requests sent after the settle window began may be answered after the end.
TEST(AnswersChecker, RequestAfterTheSettleWindowBeganIsIndeterminate) {
  Bed bed({"answers"});
  bed.connect("dev");
  const std::int64_t settle_start_ns = bed.now_ns;
  bed.publish("dev", "t", 1, "x", false, /*acked=*/false);
  const Verdict& v = bed.finish(CheckContext{bed.now_ns + 1'000'000'000, settle_start_ns}).at(0);
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.indeterminate, 1u);
}

}  // namespace
}  // namespace mqttbed::check::testing
