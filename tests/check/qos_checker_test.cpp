// QoS 0/1/2 checkers on hand-built histories: each passing shape and each way to fail.
#include <gtest/gtest.h>

#include "sim/history/envelope.h"
#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

// pub and sub connected, sub subscribed to a/# with `granted`.
class PairBed : public Bed {
 public:
  explicit PairBed(int granted, bool clean = true) : Bed({"qos"}) {
    connect("pub");
    connect("sub", clean);
    subscribe("sub", "a/#", granted);
  }
};

TEST(QosChecker, AckedQos1PublishDeliveredOncePasses) {
  PairBed bed(1);
  auto m = bed.publish("pub", "a/b", 1);
  bed.deliver("sub", "a/b", 1, m);
  const Verdict& v = bed.verdict("qos1");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.checked, 1u);
  EXPECT_EQ(v.counts.ok, 1u);
}

TEST(QosChecker, LostAckedQos1PublishFails) {
  PairBed bed(1);
  bed.publish("pub", "a/b", 1);
  const Verdict& v = bed.verdict("qos1");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.lost, 1u);
  ASSERT_EQ(v.violations.size(), 1u);
  EXPECT_EQ(v.violations[0].spec, "MQTT-4.3.2-1");
  EXPECT_EQ(v.violations[0].clients, (std::vector<std::string>{"pub", "sub"}));
  EXPECT_EQ(v.violations[0].messages, (std::vector<std::string>{"pub#1"}));
  EXPECT_FALSE(v.violations[0].excerpt.empty());
}

TEST(QosChecker, UnackedPublishNeverDeliveredIsIndeterminate) {
  PairBed bed(1);
  bed.publish("pub", "a/b", 1, "x", false, /*acked=*/false);
  bed["pub"].connection_lost("network");
  const Verdict& v = bed.verdict("qos1");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.indeterminate, 1u);
}

TEST(QosChecker, CleanSubscriberThatLostItsConnectionIsNotOwed) {
  PairBed bed(1, /*clean=*/true);
  bed.publish("pub", "a/b", 1);
  bed["sub"].connection_lost("network");
  bed.connect("sub", true);
  bed.subscribe("sub", "a/#", 1);
  const Verdict& v = bed.verdict("qos1");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.indeterminate, 1u);
}

TEST(QosChecker, PersistentSubscriberThatResumedItsSessionIsStillOwed) {
  PairBed bed(1, /*clean=*/false);
  bed.publish("pub", "a/b", 1);
  bed["sub"].connection_lost("network");
  bed.connect("sub", false, /*session_present=*/true);
  EXPECT_FALSE(bed.verdict("qos1").passed);
  EXPECT_EQ(bed.verdict("qos1").counts.lost, 1u);
}

TEST(QosChecker, SubscriberThatUnsubscribedIsNotOwed) {
  PairBed bed(1);
  bed.publish("pub", "a/b", 1);
  bed["sub"].unsubscribe_sent("a/#");
  EXPECT_TRUE(bed.verdict("qos1").passed);
  EXPECT_EQ(bed.verdict("qos1").counts.indeterminate, 1u);
}

TEST(QosChecker, PublishBeforeTheSubscriptionIsNotOwed) {
  Bed bed({"qos"});
  bed.connect("pub");
  bed.connect("sub");
  bed.publish("pub", "a/b", 1);
  bed.subscribe("sub", "a/#", 1);
  EXPECT_EQ(bed.verdict("qos1").counts.checked, 0u);
  EXPECT_TRUE(bed.verdict("qos1").passed);
}

TEST(QosChecker, Qos1DuplicatesAreCountedNotViolations) {
  PairBed bed(1);
  auto m = bed.publish("pub", "a/b", 1);
  bed.deliver("sub", "a/b", 1, m);
  bed.deliver("sub", "a/b", 1, m, false, /*dup=*/true);
  const Verdict& v = bed.verdict("qos1");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.duplicated, 1u);
}

TEST(QosChecker, Qos2DuplicateDeliveryFails) {
  PairBed bed(2);
  auto m = bed.publish("pub", "a/b", 2);
  bed.deliver("sub", "a/b", 2, m);
  bed.deliver("sub", "a/b", 2, m, false, true);
  const Verdict& v = bed.verdict("qos2");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.duplicated, 1u);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-4.3.3-2");
}

TEST(QosChecker, LostQos2PublishFails) {
  PairBed bed(2);
  bed.publish("pub", "a/b", 2);
  EXPECT_EQ(bed.verdict("qos2").counts.lost, 1u);
  EXPECT_FALSE(bed.verdict("qos2").passed);
}

TEST(QosChecker, Qos2PublishGrantedQos1IsJudgedAsQos1) {
  PairBed bed(1);
  auto m = bed.publish("pub", "a/b", 2);
  bed.deliver("sub", "a/b", 1, m);
  bed.deliver("sub", "a/b", 1, m, false, true);
  EXPECT_EQ(bed.verdict("qos2").counts.checked, 0u);
  EXPECT_EQ(bed.verdict("qos1").counts.ok, 1u);
  EXPECT_TRUE(bed.verdict("qos1").passed);
  EXPECT_TRUE(bed.verdict("qos2").passed);
}

TEST(QosChecker, Qos0DuplicateDeliveryFails) {
  PairBed bed(0);
  auto m = bed.publish("pub", "a/b", 0);
  bed.deliver("sub", "a/b", 0, m);
  bed.deliver("sub", "a/b", 0, m);
  const Verdict& v = bed.verdict("qos0");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.duplicated, 1u);
}

TEST(QosChecker, Qos0LossIsNotAViolation) {
  PairBed bed(0);
  bed.publish("pub", "a/b", 0);
  EXPECT_TRUE(bed.verdict("qos0").passed);
}

TEST(QosChecker, RetainedCopiesAreNotDuplicates) {
  PairBed bed(1);
  auto m = bed.publish("pub", "a/b", 1, "x", /*retain=*/true);
  bed.deliver("sub", "a/b", 1, m);
  bed.subscribe("sub", "a/b", 1);
  bed.deliver("sub", "a/b", 1, m, /*retain=*/true);
  EXPECT_EQ(bed.verdict("qos1").counts.duplicated, 0u);
}

TEST(QosChecker, MessageNeverPublishedIsUnexpected) {
  PairBed bed(1);
  bed.publish("pub", "a/b", 1, "x", false, false);
  bed.deliver("sub", "a/b", 1, history::envelope::encode("pub", 7, "forged", 1));
  const Verdict& v = bed.verdict("qos1");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.unexpected, 1u);
}

TEST(QosChecker, PublishAfterTheSettleWindowBeganIsNotJudged) {
  PairBed bed(1);
  const std::int64_t settle_start_ns = bed.now_ns;
  bed.tick();
  bed.publish("pub", "a/b", 1);
  const auto& verdicts = bed.finish(CheckContext{bed.now_ns + 1, settle_start_ns});
  const Verdict& v = verdicts.at(1);
  ASSERT_EQ(v.guarantee, "qos1");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.indeterminate, 1u);
}

// MQTT-3.3.5-1: with overlapping subscriptions a 3.1.1 broker may send one copy per matching
// subscription. Before the QoS checkers counted the matching filters, the second copy here
// failed qos2 as a duplicate (issue 12).
TEST(QosChecker, OneCopyPerOverlappingSubscriptionIsNoDuplicate) {
  PairBed bed(2);
  bed.subscribe("sub", "a/+", 2);
  auto m = bed.publish("pub", "a/b", 2);
  bed.deliver("sub", "a/b", 2, m);
  bed.deliver("sub", "a/b", 2, m);
  const Verdict& v = bed.verdict("qos2");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.duplicated, 0u);
}

TEST(QosChecker, MoreCopiesThanOverlappingSubscriptionsFail) {
  PairBed bed(2);
  bed.subscribe("sub", "a/+", 2);
  auto m = bed.publish("pub", "a/b", 2);
  for (int i = 0; i < 3; ++i) bed.deliver("sub", "a/b", 2, m);
  const Verdict& v = bed.verdict("qos2");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.duplicated, 1u);
}

TEST(QosChecker, Qos0CopyPerOverlappingSubscriptionIsNoDuplicate) {
  PairBed bed(0);
  bed.subscribe("sub", "a/+", 0);
  auto m = bed.publish("pub", "a/b", 0);
  bed.deliver("sub", "a/b", 0, m);
  bed.deliver("sub", "a/b", 0, m);
  const Verdict& v = bed.verdict("qos0");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 2u);
}

// None missing: the copy at the highest matching grant is owed (mosquitto 2.0.11 sent only a
// QoS 1 copy although one of the two subscriptions was granted QoS 2).
TEST(QosChecker, OverlapServedOnlyAtTheLowerGrantIsLost) {
  PairBed bed(2);
  bed.subscribe("sub", "a/+", 1);
  auto m = bed.publish("pub", "a/b", 2);
  bed.deliver("sub", "a/b", 1, m);
  const Verdict& v = bed.verdict("qos2");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.lost, 1u);
}

// A copy above the owed QoS arrived: not lost (the deliveries check judges the QoS).
TEST(QosChecker, UpgradedDeliveryPaysTheQos1Debt) {
  PairBed bed(2);
  auto m = bed.publish("pub", "a/b", 1);
  bed.deliver("sub", "a/b", 2, m);
  const Verdict& v = bed.verdict("qos1");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 1u);
}

}  // namespace
}  // namespace mqttbed::check::testing
