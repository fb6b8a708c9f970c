// Will checker: published iff the connection ended without DISCONNECT, never twice.
#include <gtest/gtest.h>

#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;

class WillBed : public Bed {
 public:
  explicit WillBed(std::uint16_t keepalive_s = 60) : Bed({"will"}) {
    connect("app");
    subscribe("app", "status/#", 1);
    will = (*this)["dev"].connect_sent(true, "status/dev", 1, false, "offline", {}, keepalive_s);
    tick();
    (*this)["dev"].connack(false, 0);
    tick();
  }
  std::string will;
};

TEST(WillChecker, WillDeliveredAfterConnectionLossPasses) {
  WillBed bed;
  bed["dev"].connection_lost("keepalive");
  bed.tick();
  bed.deliver("app", "status/dev", 1, bed.will);
  const Verdict& v = bed.verdict("will");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 1u);
}

// A persistent-session subscriber offline when the connection was lost gets the will from
// its queue after it reconnects: one item judged, one ok (it used to read checked 0 ok 1).
TEST(WillChecker, WillDeliveredThroughTheOfflineQueueIsCountedOnce) {
  Bed bed({"will"});
  bed.connect("app", /*clean=*/false);
  bed.subscribe("app", "status/#", 1);
  bed["app"].connection_lost("network");
  bed.tick();
  std::string will = bed["dev"].connect_sent(true, "status/dev", 1, false, "offline");
  bed.tick();
  bed["dev"].connack(false, 0);
  bed.tick();
  bed["dev"].connection_lost("keepalive");
  bed.tick();
  bed.connect("app", /*clean=*/false, /*session_present=*/true);
  bed.deliver("app", "status/dev", 1, will);
  const Verdict& v = bed.verdict("will");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.checked, 1u);
  EXPECT_EQ(v.counts.ok, 1u);
}

// Counting stays honest when a will is owed: owed and delivered is one item, not two.
TEST(WillChecker, OwedWillDeliveredIsCheckedOnce) {
  WillBed bed;
  bed["dev"].connection_lost("keepalive");
  bed.tick();
  bed.deliver("app", "status/dev", 1, bed.will);
  const Verdict& v = bed.verdict("will");
  EXPECT_EQ(v.counts.checked, 1u);
  EXPECT_EQ(v.counts.ok, 1u);
}

TEST(WillChecker, MissingWillAfterConnectionLossFails) {
  WillBed bed;
  bed["dev"].connection_lost("network");
  bed.tick(91 * kSecondNs);  // past 1.5 x 60 s: the broker must have noticed
  const Verdict& v = bed.verdict("will");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.lost, 1u);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.1.2-8");
  EXPECT_EQ(v.violations.at(0).clients, (std::vector<std::string>{"dev", "app"}));
}

// The broker publishes the will when it notices the loss, up to 1.5 x keepalive after the
// client saw it (MQTT-3.1.2-24): with 300 s, 450 s; a fixed 120 s slack would call it lost.
TEST(WillChecker, MissingWillWithinOneAndAHalfKeepalivesOfTheSettleWindowIsIndeterminate) {
  WillBed bed(300);
  bed["dev"].connection_lost("network");
  bed.tick(200 * kSecondNs);
  const Verdict& v = bed.verdict("will");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.indeterminate, 1u);
}

TEST(WillChecker, MissingWillAfterOneAndAHalfKeepalivesFails) {
  WillBed bed(300);
  bed["dev"].connection_lost("network");
  bed.tick(451 * kSecondNs);
  const Verdict& v = bed.verdict("will");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.lost, 1u);
}

TEST(WillChecker, MissingWillAfterOneAndAHalfShortKeepalivesFails) {
  WillBed bed(10);
  bed["dev"].connection_lost("network");
  bed.tick(16 * kSecondNs);
  EXPECT_EQ(bed.verdict("will").counts.lost, 1u);
}

// Keepalive 0 turns the mechanism off (MQTT 3.1.1 §3.1.2.10): the broker may never notice a
// silent loss, so its will is never owed (a delivered one still counts).
// MQTT-3.1.2-24: a broker that never times out a silent connection publishes the will only
// when something else ends it (here 40 s later, keepalive 10 s: due by 15 s + 2 s).
TEST(WillChecker, WillLaterThanOneAndAHalfKeepalivesFails) {
  WillBed bed(/*keepalive_s=*/10);
  bed["dev"].connection_lost("network");
  bed.tick(40 * kSecondNs);
  bed.deliver("app", "status/dev", 1, bed.will);
  const Verdict& v = bed.verdict("will");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.unexpected, 1u);
  ASSERT_EQ(v.violations.size(), 1u);
  EXPECT_EQ(v.violations[0].spec, "MQTT-3.1.2-24");
}

TEST(WillChecker, WillWithinOneAndAHalfKeepalivesAndTheTolerancePasses) {
  WillBed bed(/*keepalive_s=*/10);
  bed["dev"].connection_lost("network");
  bed.tick(16 * kSecondNs);
  bed.deliver("app", "status/dev", 1, bed.will);
  const Verdict& v = bed.verdict("will");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 1u);
}

// The subscriber's own reconnect may explain the delay: not judged for timing.
TEST(WillChecker, LateWillToASubscriberThatReconnectedIsNotJudgedLate) {
  Bed bed({"will"});
  bed.connect("app", /*clean=*/false);
  bed.subscribe("app", "status/#", 1);
  std::string will = bed["dev"].connect_sent(true, "status/dev", 1, false, "offline", {}, 10);
  bed.tick();
  bed["dev"].connack(false, 0);
  bed.tick();
  bed["dev"].connection_lost("network");
  bed.tick();
  bed["app"].connection_lost("network");
  bed.tick(30 * kSecondNs);
  bed.connect("app", /*clean=*/false, /*session_present=*/true);
  bed.deliver("app", "status/dev", 1, will);
  const Verdict& v = bed.verdict("will");
  EXPECT_TRUE(v.passed) << explain(v);
}

// MQTT-3.1.4-2: a rebooted device reconnects before the broker noticed its old connection
// died; accepting the new CONNECT ends the old one, so its will is due then, not 1.5 x
// keepalive later.
class TakeoverBed : public WillBed {
 public:
  TakeoverBed() : WillBed(/*keepalive_s=*/60) {
    (*this)["dev"].connection_lost("reboot");
    tick();
    (*this)["dev"].connect_sent(true, "status/dev", 1, false, "offline", {}, 60);
    tick();
    (*this)["dev"].connack(false, 0);
    tick();
  }
};

TEST(WillChecker, WillLongAfterTheTakeoverFails) {
  TakeoverBed bed;
  bed.tick(30 * kSecondNs);  // within 1.5 x 60 s, but long after the new CONNACK
  bed.deliver("app", "status/dev", 1, bed.will);
  const Verdict& v = bed.verdict("will");
  EXPECT_FALSE(v.passed);
  ASSERT_EQ(v.violations.size(), 1u);
  EXPECT_EQ(v.violations[0].spec, "MQTT-3.1.4-2");
}

TEST(WillChecker, WillAtTheTakeoverPasses) {
  TakeoverBed bed;
  bed.deliver("app", "status/dev", 1, bed.will);
  const Verdict& v = bed.verdict("will");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 1u);
}

TEST(WillChecker, MissingWillAfterATakeoverFails) {
  TakeoverBed bed;
  const Verdict& v = bed.verdict("will");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.lost, 1u);
}

TEST(WillChecker, WillWithKeepaliveOffIsNeverOwed) {
  WillBed bed(0);
  bed["dev"].connection_lost("network");
  bed.tick(100'000 * kSecondNs);
  const Verdict& v = bed.verdict("will");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.indeterminate, 1u);
}

TEST(WillChecker, WillAfterCleanDisconnectFails) {
  WillBed bed;
  bed["dev"].disconnect_sent();
  bed.tick();
  bed.deliver("app", "status/dev", 1, bed.will);
  const Verdict& v = bed.verdict("will");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.14.4-3");
  EXPECT_EQ(v.violations.at(0).excerpt.size(), 3u);
}

TEST(WillChecker, WillAfterDisconnectDuringAFaultIsNotJudged) {
  WillBed bed;
  bed.fault("begin partition homes[0:1]");
  bed["dev"].disconnect_sent();  // may never have reached the broker
  bed.fault("end partition homes[0:1]");
  bed.deliver("app", "status/dev", 1, bed.will);
  EXPECT_TRUE(bed.verdict("will").passed) << explain(bed.verdict("will"));
}

TEST(WillChecker, NoWillAfterCleanDisconnectPasses) {
  WillBed bed;
  bed["dev"].disconnect_sent();
  EXPECT_TRUE(bed.verdict("will").passed);
}

TEST(WillChecker, WillPublishedTwiceFails) {
  WillBed bed;
  bed["dev"].connection_lost("network");
  bed.deliver("app", "status/dev", 1, bed.will);
  bed.deliver("app", "status/dev", 1, bed.will);
  const Verdict& v = bed.verdict("will");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.1.2-10");
}

TEST(WillChecker, Qos1RedeliveryOfTheWillIsOnlyCounted) {
  WillBed bed;
  bed["dev"].connection_lost("network");
  bed.deliver("app", "status/dev", 1, bed.will);
  bed.deliver("app", "status/dev", 1, bed.will, false, /*dup=*/true);
  EXPECT_TRUE(bed.verdict("will").passed);
  EXPECT_EQ(bed.verdict("will").counts.duplicated, 1u);
}

TEST(WillChecker, SubscriberThatLeftIsNotOwedTheWill) {
  WillBed bed;
  bed["app"].disconnect_sent();
  bed["dev"].connection_lost("network");
  EXPECT_TRUE(bed.verdict("will").passed);
}

TEST(WillChecker, BrokerCrashMakesAMissingWillIndeterminate) {
  WillBed bed;
  bed.fault("begin broker_crash broker");
  bed["dev"].connection_lost("broker_closed");
  bed["app"].connection_lost("broker_closed");
  bed.fault("end broker_crash broker");
  bed.connect("app", false, true);
  const Verdict& v = bed.verdict("will");
  EXPECT_TRUE(v.passed) << explain(v);
}

TEST(WillChecker, WillOfARefusedConnectFails) {
  Bed bed({"will"});
  bed.connect("app");
  bed.subscribe("app", "status/#", 1);
  const std::string will = bed["dev"].connect_sent(true, "status/dev", 1, false, "offline");
  bed["dev"].connack(false, 5);
  bed.deliver("app", "status/dev", 1, will);
  EXPECT_FALSE(bed.verdict("will").passed);
}

}  // namespace
}  // namespace mqttbed::check::testing
