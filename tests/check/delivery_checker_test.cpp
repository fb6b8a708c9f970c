// The deliveries checker: each way a delivery can exceed what the client's subscriptions
// entitle it to, and the legal shapes next to them (in flight across an UNSUBACK, before a
// SUBACK, overlapping grants, retained replays).
#include <gtest/gtest.h>

#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

const std::string kTopic = "platform/acct0/home0/light0/state";

// pub and app connected; app subscribed to its home with `granted`.
class AppBed : public Bed {
 public:
  explicit AppBed(int granted = 1) : Bed({"deliveries"}) {
    connect("pub");
    connect("app");
    subscribe("app", "platform/acct0/home0/#", granted);
  }
  void unsubscribe(const std::string& filter) {
    (*this)["app"].unsubscribe_sent(filter);
    tick();
    (*this)["app"].unsuback(filter);
    tick();
  }
};

const Violation& only_violation(const Verdict& v) {
  EXPECT_EQ(v.violations.size(), 1u) << explain(v);
  return v.violations.at(0);
}

TEST(DeliveryChecker, DeliveryOnAHeldSubscriptionPasses) {
  AppBed bed;
  bed.deliver("app", kTopic, 1, bed.publish("pub", kTopic, 1));
  const Verdict& v = bed.verdict("deliveries");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.checked, 1u);
  EXPECT_EQ(v.counts.ok, 1u);
}

TEST(DeliveryChecker, DeliveryToAClientThatNeverSubscribedFails) {
  AppBed bed;
  bed.connect("other");
  bed.deliver("other", kTopic, 1, bed.publish("pub", kTopic, 1));
  const Verdict& v = bed.verdict("deliveries");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.unexpected, 1u);
  EXPECT_EQ(only_violation(v).spec, "MQTT-4.5.0-1");
  EXPECT_EQ(only_violation(v).clients, (std::vector<std::string>{"pub", "other"}));
}

TEST(DeliveryChecker, DeliveryOnANonMatchingTopicFails) {
  AppBed bed;
  const std::string elsewhere = "platform/acct0/home1/light0/state";
  bed.deliver("app", elsewhere, 1, bed.publish("pub", elsewhere, 1));
  EXPECT_EQ(only_violation(bed.verdict("deliveries")).spec, "MQTT-4.5.0-1");
}

// MQTT 3.1.1 §3.8.4: the server may send matching PUBLISHes before the SUBACK.
TEST(DeliveryChecker, DeliveryBeforeTheSubackPasses) {
  Bed bed({"deliveries"});
  bed.connect("pub");
  bed.connect("app");
  bed["app"].subscribe_sent("platform/acct0/#", 1);
  bed.tick();
  bed.deliver("app", kTopic, 1, bed.publish("pub", kTopic, 1));
  bed["app"].suback("platform/acct0/#", 1);
  const Verdict& v = bed.verdict("deliveries");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 1u);
}

TEST(DeliveryChecker, PublishedAfterTheUnsubackFails) {
  AppBed bed;
  bed.unsubscribe("platform/acct0/home0/#");
  bed.deliver("app", kTopic, 1, bed.publish("pub", kTopic, 1));
  const Violation& violation = only_violation(bed.verdict("deliveries"));
  EXPECT_EQ(violation.spec, "MQTT-3.10.4-2");
  EXPECT_FALSE(violation.excerpt.empty());
}

// MQTT-3.10.4-3: what the server routed before it processed the UNSUBSCRIBE may still come.
TEST(DeliveryChecker, PublishedBeforeTheUnsubackMayArriveAfterIt) {
  AppBed bed;
  auto in_flight = bed.publish("pub", kTopic, 1);
  bed.unsubscribe("platform/acct0/home0/#");
  bed.deliver("app", kTopic, 1, in_flight);
  const Verdict& v = bed.verdict("deliveries");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 1u);
}

// Until the UNSUBACK the subscription holds: the server may not have seen the UNSUBSCRIBE.
TEST(DeliveryChecker, DeliveryBetweenUnsubscribeAndUnsubackPasses) {
  AppBed bed;
  bed["app"].unsubscribe_sent("platform/acct0/home0/#");
  bed.tick();
  bed.deliver("app", kTopic, 1, bed.publish("pub", kTopic, 1));
  EXPECT_TRUE(bed.verdict("deliveries").passed);
}

TEST(DeliveryChecker, ResubscribedFilterDeliversAgain) {
  AppBed bed;
  bed.unsubscribe("platform/acct0/home0/#");
  bed.subscribe("app", "platform/acct0/home0/#", 1);
  bed.deliver("app", kTopic, 1, bed.publish("pub", kTopic, 1));
  EXPECT_TRUE(bed.verdict("deliveries").passed);
}

// MQTT-3.2.2-1/-2: a CONNACK without a session present means no subscription is held.
TEST(DeliveryChecker, DeliveryAfterANewSessionBeforeResubscribingFails) {
  AppBed bed;
  bed["app"].connection_lost("network");
  bed.connect("app", /*clean=*/true, /*session_present=*/false);
  bed.deliver("app", kTopic, 1, bed.publish("pub", kTopic, 1));
  EXPECT_EQ(only_violation(bed.verdict("deliveries")).spec, "MQTT-4.5.0-1");
}

TEST(DeliveryChecker, PresentSessionKeepsItsSubscriptions) {
  AppBed bed;
  bed["app"].connection_lost("network");
  bed.connect("app", /*clean=*/false, /*session_present=*/true);
  bed.deliver("app", kTopic, 1, bed.publish("pub", kTopic, 1));
  EXPECT_TRUE(bed.verdict("deliveries").passed);
}

TEST(DeliveryChecker, RefusedSubscriptionEntitlesToNothing) {
  Bed bed({"deliveries"});
  bed.connect("pub");
  bed.connect("app");
  bed.subscribe("app", "platform/acct0/#", 128);
  bed.deliver("app", kTopic, 1, bed.publish("pub", kTopic, 1));
  EXPECT_FALSE(bed.verdict("deliveries").passed);
}

// MQTT-4.7.2-1: "+/..." and "#" do not match "$aws/...".
TEST(DeliveryChecker, DollarTopicOnALeadingWildcardFails) {
  Bed bed({"deliveries"});
  bed.connect("pub");
  bed.connect("monitor");
  bed.subscribe("monitor", "+/things/+/shadow/update", 1);
  const std::string shadow = "$aws/things/acct0-home0-light0/shadow/update";
  bed.deliver("monitor", shadow, 1, bed.publish("pub", shadow, 1));
  EXPECT_EQ(only_violation(bed.verdict("deliveries")).spec, "MQTT-4.7.2-1");
}

TEST(DeliveryChecker, DollarTopicOnAnExplicitFilterPasses) {
  Bed bed({"deliveries"});
  bed.connect("pub");
  bed.connect("monitor");
  bed.subscribe("monitor", "$aws/things/+/shadow/update", 1);
  const std::string shadow = "$aws/things/acct0-home0-light0/shadow/update";
  bed.deliver("monitor", shadow, 1, bed.publish("pub", shadow, 1));
  EXPECT_TRUE(bed.verdict("deliveries").passed);
}

TEST(DeliveryChecker, QosAboveTheGrantFails) {
  AppBed bed(/*granted=*/0);
  bed.deliver("app", kTopic, 1, bed.publish("pub", kTopic, 1));
  const Verdict& v = bed.verdict("deliveries");
  EXPECT_EQ(v.counts.unexpected, 1u);
  EXPECT_EQ(only_violation(v).spec, "MQTT-3.8.4-6");
}

TEST(DeliveryChecker, QosAboveThePublishFails) {
  AppBed bed(/*granted=*/2);
  bed.deliver("app", kTopic, 2, bed.publish("pub", kTopic, 1));
  EXPECT_EQ(only_violation(bed.verdict("deliveries")).spec, "MQTT-3.8.4-6");
}

TEST(DeliveryChecker, QosBelowTheEntitlementIsNotThisCheckersBusiness) {
  AppBed bed(/*granted=*/2);
  bed.deliver("app", kTopic, 0, bed.publish("pub", kTopic, 2));
  EXPECT_TRUE(bed.verdict("deliveries").passed);
}

// MQTT-3.3.5-1: overlapping subscriptions entitle to the highest of their grants.
TEST(DeliveryChecker, OverlappingGrantsEntitleToTheHighest) {
  AppBed bed(/*granted=*/0);
  bed.subscribe("app", "platform/acct0/+/light0/state", 2);
  auto m = bed.publish("pub", kTopic, 2);
  bed.deliver("app", kTopic, 2, m);
  bed.deliver("app", kTopic, 0, m);  // a copy per subscription is allowed too
  const Verdict& v = bed.verdict("deliveries");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 2u);
}

// While a repeated SUBSCRIBE awaits its SUBACK, the old grant may still serve.
TEST(DeliveryChecker, PendingResubscribeKeepsTheOldGrant) {
  AppBed bed(/*granted=*/1);
  bed["app"].subscribe_sent("platform/acct0/home0/#", 0);
  bed.tick();
  bed.deliver("app", kTopic, 1, bed.publish("pub", kTopic, 1));
  EXPECT_TRUE(bed.verdict("deliveries").passed);
}

TEST(DeliveryChecker, RetainOnAForwardToAnEstablishedSubscriptionFails) {
  AppBed bed;
  auto m = bed.publish("pub", kTopic, 1, "on", /*retain=*/true);
  bed.deliver("app", kTopic, 1, m, /*retain=*/true);
  const Verdict& v = bed.verdict("deliveries");
  EXPECT_EQ(v.counts.unexpected, 1u);
  EXPECT_EQ(only_violation(v).spec, "MQTT-3.3.1-9");
}

TEST(DeliveryChecker, ForwardOfARetainedPublishWithRetainZeroPasses) {
  AppBed bed;
  auto m = bed.publish("pub", kTopic, 1, "on", /*retain=*/true);
  bed.deliver("app", kTopic, 1, m, /*retain=*/false);
  EXPECT_TRUE(bed.verdict("deliveries").passed);
}

// MQTT-3.3.1-8: the replay to a new subscription carries RETAIN=1, before or after its SUBACK.
TEST(DeliveryChecker, RetainedReplayToANewSubscriptionPasses) {
  Bed bed({"deliveries"});
  bed.connect("pub");
  auto m = bed.publish("pub", kTopic, 1, "on", /*retain=*/true);
  bed.connect("app");
  bed.connect("late");
  bed.subscribe("app", "platform/acct0/#", 1);
  bed.deliver("app", kTopic, 1, m, /*retain=*/true);
  bed["late"].subscribe_sent("platform/acct0/#", 1);
  bed.tick();
  bed.deliver("late", kTopic, 1, m, /*retain=*/true);
  bed["late"].suback("platform/acct0/#", 1);
  const Verdict& v = bed.verdict("deliveries");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 2u);
}

TEST(DeliveryChecker, UnsubackForAFilterNeverHeldExcusesNothing) {
  AppBed bed;
  const std::string elsewhere = "platform/acct0/home1/light0/state";
  auto m = bed.publish("pub", elsewhere, 1);
  bed["app"].unsuback("platform/acct0/home1/#");
  bed.tick();
  bed.deliver("app", elsewhere, 1, m);
  EXPECT_FALSE(bed.verdict("deliveries").passed);
}

}  // namespace
}  // namespace mqttbed::check::testing
