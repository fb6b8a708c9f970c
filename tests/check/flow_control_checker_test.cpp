// Flow control (MQTT 5 Receive Maximum), both ways.
#include <gtest/gtest.h>

#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

// "c" announces Receive Maximum 2 (and records its acks unless `records_acks` is false),
// subscribes, and receives three QoS 1 messages of "p"; `acked_before_third` of the first two
// are acknowledged before the third arrives.
const Verdict& run(Bed& bed, int acked_before_third, bool records_acks = true) {
  bed["c"].set_flow_control(2, records_acks);
  bed.connect("c");
  bed.connect("p");
  bed.subscribe("c", "t", 1);
  std::vector<history::EnvelopedPublish> sent;
  for (int i = 0; i < 3; ++i) sent.push_back(bed.publish("p", "t", 1));
  bed.deliver("c", "t", 1, sent[0]);
  bed.deliver("c", "t", 1, sent[1]);
  for (int i = 0; i < acked_before_third; ++i) {
    bed["c"].ack_sent("t", 1, sent[i].payload);
    bed.tick();
  }
  bed.deliver("c", "t", 1, sent[2]);
  return bed.verdict("flow_control");
}

TEST(FlowControlChecker, WithinReceiveMaximumPasses) {
  Bed bed({"flow_control"});
  const Verdict& v = run(bed, 1);
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 3u);
}

TEST(FlowControlChecker, BeyondReceiveMaximumFails) {  // MQTT-3.3.4-9
  Bed bed({"flow_control"});
  const Verdict& v = run(bed, 0);
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.3.4-9");
  EXPECT_EQ(v.counts.unexpected, 1u);
}

// Paho acknowledges on its own (live): nothing can be proven, nothing is claimed.
TEST(FlowControlChecker, WithoutRecordedAcksIsIndeterminate) {
  Bed bed({"flow_control"});
  const Verdict& v = run(bed, 0, /*records_acks=*/false);
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.indeterminate, 3u);
}

// A new connection starts a new quota.
TEST(FlowControlChecker, ReconnectStartsAgain) {
  Bed bed({"flow_control"});
  bed["c"].set_flow_control(1, true);
  bed.connect("c", /*clean=*/false);
  bed.connect("p");
  bed.subscribe("c", "t", 1);
  auto a = bed.publish("p", "t", 1);
  auto b = bed.publish("p", "t", 1);
  bed.deliver("c", "t", 1, a);
  bed["c"].connection_lost("network");
  bed.connect("c", /*clean=*/false, /*session_present=*/true);
  bed.deliver("c", "t", 1, b);
  const Verdict& v = bed.verdict("flow_control");
  EXPECT_TRUE(v.passed) << explain(v);
}

}  // namespace
}  // namespace mqttbed::check::testing
