// Retained checker: a new subscription gets the latest retained message; empty clears it.
#include <gtest/gtest.h>

#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

class RetainedBed : public Bed {
 public:
  RetainedBed() : Bed({"retained"}) {
    connect("pub");
    connect("pub2");
    connect("sub");
  }
};

TEST(RetainedChecker, LatestRetainedMessagePasses) {
  RetainedBed bed;
  bed.publish("pub", "s/x", 1, "old", true);
  auto latest = bed.publish("pub", "s/x", 1, "new", true);
  bed.subscribe("sub", "s/#", 1);
  bed.deliver("sub", "s/x", 1, latest, /*retain=*/true);
  const Verdict& v = bed.verdict("retained");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 1u);
}

TEST(RetainedChecker, StaleRetainedMessageFails) {
  RetainedBed bed;
  auto old = bed.publish("pub", "s/x", 1, "old", true);
  bed.publish("pub2", "s/x", 1, "new", true);
  bed.subscribe("sub", "s/#", 1);
  bed.deliver("sub", "s/x", 1, old, true);
  const Verdict& v = bed.verdict("retained");
  EXPECT_FALSE(v.passed);
  ASSERT_EQ(v.violations.size(), 1u);
  EXPECT_EQ(v.violations[0].spec, "MQTT-3.3.1-6");
  EXPECT_EQ(v.violations[0].messages, (std::vector<std::string>{"pub#1", "pub2#1"}));
}

TEST(RetainedChecker, RetainedMessageAfterAnEmptyOneFails) {
  RetainedBed bed;
  auto old = bed.publish("pub", "s/x", 1, "old", true);
  bed.publish("pub", "s/x", 1, "", true);
  bed.subscribe("sub", "s/#", 1);
  bed.deliver("sub", "s/x", 1, old, true);
  const Verdict& v = bed.verdict("retained");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.3.1-10");
}

TEST(RetainedChecker, DeliveredEmptyRetainedMessageFails) {
  RetainedBed bed;
  auto empty = bed.publish("pub", "s/x", 1, "", true);
  bed.subscribe("sub", "s/#", 1);
  bed.deliver("sub", "s/x", 1, empty, true);
  EXPECT_EQ(bed.verdict("retained").violations.at(0).spec, "MQTT-3.3.1-11");
}

TEST(RetainedChecker, PublishConcurrentWithTheSubscribeMayBeEither) {
  RetainedBed bed;
  auto old = bed.publish("pub", "s/x", 1, "old", true);
  // The newer one is not acknowledged before the SUBSCRIBE: the store may hold either.
  auto newer = bed["pub2"].publish_sent("s/x", 1, true, "new");
  bed.subscribe("sub", "s/#", 1);
  bed["pub2"].publish_acked(newer.seq);
  bed.deliver("sub", "s/x", 1, old, true);
  EXPECT_TRUE(bed.verdict("retained").passed) << explain(bed.verdict("retained"));
}

TEST(RetainedChecker, MessagePublishedWithoutRetainIsNotRetained) {
  RetainedBed bed;
  auto plain = bed.publish("pub", "s/x", 1, "plain", false);
  bed.subscribe("sub", "s/#", 1);
  bed.deliver("sub", "s/x", 1, plain, true);
  const Verdict& v = bed.verdict("retained");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.3.1-12");
}

TEST(RetainedChecker, QueuedQos0RetainedSeenDeliveredSupersedesOlder) {
  RetainedBed bed;
  bed.subscribe("pub2", "s/x", 0);
  auto old = bed.publish("pub", "s/x", 0, "old", true);
  auto newer = bed.publish("pub", "s/x", 0, "new", true);
  bed.deliver("pub2", "s/x", 0, newer);  // proves the broker had it
  bed.subscribe("sub", "s/#", 0);
  bed.deliver("sub", "s/x", 0, old, true);
  EXPECT_FALSE(bed.verdict("retained").passed);
}

}  // namespace
}  // namespace mqttbed::check::testing

namespace mqttbed::check::testing {
namespace {

TEST(RetainedChecker, MissingRetainedReplayOnAnOpenConnectionFails) {
  RetainedBed bed;
  bed.publish("pub", "s/x", 1, "on", true);
  bed.subscribe("sub", "s/#", 1);  // nothing replayed, and the connection stays open
  const Verdict& v = bed.verdict("retained");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.lost, 1u);
  EXPECT_EQ(v.violations.at(0).messages, (std::vector<std::string>{"pub#1"}));
}

TEST(RetainedChecker, ConnectionEndingBeforeTheReplayIsIndeterminate) {
  RetainedBed bed;
  bed.publish("pub", "s/x", 1, "on", true);
  bed.subscribe("sub", "s/#", 1);
  bed["sub"].connection_lost("network");
  const Verdict& v = bed.verdict("retained");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.indeterminate, 1u);
}

TEST(RetainedChecker, ClearedTopicOwesNoReplay) {
  RetainedBed bed;
  bed.publish("pub", "s/x", 1, "on", true);
  bed.publish("pub", "s/x", 1, "", true);
  bed.subscribe("sub", "s/#", 1);
  EXPECT_TRUE(bed.verdict("retained").passed) << explain(bed.verdict("retained"));
}

TEST(RetainedChecker, CrashForgivesAMissingReplayOnlyWithoutPersistence) {
  for (const bool persistent : {true, false}) {
    RetainedBed bed;
    bed.publish("pub", "s/x", 1, "on", true);
    bed.fault("begin broker_crash broker");
    bed.fault("end broker_crash broker");
    bed.subscribe("sub", "s/#", 1);
    CheckContext context{bed.now_ns + 1'000'000'000, bed.now_ns + 1, persistent};
    const Verdict& v = bed.finish(context).at(0);
    EXPECT_EQ(v.passed, !persistent) << explain(v);
  }
}

// MQTT 3.1.1 §3.8.4: the server may send PUBLISH packets matching the subscription before
// the SUBACK; a retained replay that comes first pays the debt the SUBACK creates.
TEST(RetainedChecker, ReplayBeforeTheSubackPaysTheDebt) {
  RetainedBed bed;
  auto on = bed.publish("pub", "s/x", 1, "on", true);
  bed["sub"].subscribe_sent("s/#", 1);
  bed.tick();
  bed.deliver("sub", "s/x", 1, on, /*retain=*/true);
  bed.tick();
  bed["sub"].suback("s/#", 1);
  const Verdict& v = bed.verdict("retained");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.lost, 0u);
  EXPECT_EQ(v.counts.ok, 1u);
}

// A retained delivery on the topic before the SUBSCRIBE was sent answers an earlier
// subscription, not this one: the replay this SUBSCRIBE is owed is still missing.
TEST(RetainedChecker, RetainedDeliveryBeforeTheSubscribeDoesNotPayTheDebt) {
  RetainedBed bed;
  auto on = bed.publish("pub", "s/x", 1, "on", true);
  bed.subscribe("sub", "s/x", 1);
  bed.deliver("sub", "s/x", 1, on, /*retain=*/true);
  bed.tick();
  bed.subscribe("sub", "s/#", 1);  // a new subscription: owed its own replay, never sent
  const Verdict& v = bed.verdict("retained");
  EXPECT_FALSE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.lost, 1u);
}

// A replay before the SUBACK of a different topic pays nothing for this one.
TEST(RetainedChecker, EarlyReplayOfAnotherTopicDoesNotPayTheDebt) {
  RetainedBed bed;
  auto x = bed.publish("pub", "s/x", 1, "on", true);
  bed.publish("pub", "s/y", 1, "on", true);
  bed["sub"].subscribe_sent("s/#", 1);
  bed.tick();
  bed.deliver("sub", "s/x", 1, x, /*retain=*/true);
  bed.tick();
  bed["sub"].suback("s/#", 1);
  const Verdict& v = bed.verdict("retained");
  EXPECT_FALSE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.lost, 1u);
  EXPECT_EQ(v.violations.at(0).topic, "s/y");
}

}  // namespace
}  // namespace mqttbed::check::testing
