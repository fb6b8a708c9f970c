// Sessions checker: session_present is right; queued messages survive an absence.
#include <gtest/gtest.h>

#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

TEST(SessionsChecker, CorrectSessionPresentFlagsPass) {
  Bed bed({"sessions"});
  bed.connect("dev", /*clean=*/false, /*session_present=*/false);  // first ever
  bed["dev"].connection_lost("network");
  bed.connect("dev", false, true);  // the broker kept it
  bed["dev"].disconnect_sent();
  bed.connect("dev", true, false);  // clean
  bed["dev"].disconnect_sent();
  bed.connect("dev", false, false);  // the clean session was discarded
  const Verdict& v = bed.verdict("sessions");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 4u);
}

TEST(SessionsChecker, SessionPresentAfterCleanConnectFails) {
  Bed bed({"sessions"});
  bed.connect("dev", true, /*session_present=*/true);
  const Verdict& v = bed.verdict("sessions");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.2.2-1");
}

TEST(SessionsChecker, LostPersistentSessionFails) {
  Bed bed({"sessions"});
  bed.connect("dev", false, false);
  bed["dev"].connection_lost("network");
  bed.connect("dev", false, /*session_present=*/false);
  const Verdict& v = bed.verdict("sessions");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.2.2-2");
  EXPECT_FALSE(v.violations.at(0).excerpt.empty());
}

TEST(SessionsChecker, SessionPresentWithNoStoredSessionFails) {
  Bed bed({"sessions"});
  bed.connect("dev", false, /*session_present=*/true);
  EXPECT_EQ(bed.verdict("sessions").violations.at(0).spec, "MQTT-3.2.2-3");
}

TEST(SessionsChecker, RefusedConnectWithSessionPresentFails) {
  Bed bed({"sessions"});
  bed["dev"].connect_sent(false);
  bed["dev"].connack(true, 5);
  EXPECT_EQ(bed.verdict("sessions").violations.at(0).spec, "MQTT-3.2.2-4");
}

TEST(SessionsChecker, UnansweredConnectMakesTheNextFlagIndeterminate) {
  Bed bed({"sessions"});
  bed["dev"].connect_sent(false);
  bed["dev"].connect_failed(-1);
  bed.connect("dev", false, true);
  const Verdict& v = bed.verdict("sessions");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.indeterminate, 1u);
}

// A crash of a broker that did not promise persistence may take the session with it.
TEST(SessionsChecker, BrokerCrashWithoutPersistenceMakesTheNextFlagIndeterminate) {
  Bed bed({"sessions"});
  bed.connect("dev", false, false);
  bed.fault("begin broker_crash broker");
  bed["dev"].connection_lost("broker_closed");
  bed.fault("end broker_crash broker");
  bed.connect("dev", false, false);
  const Verdict& v =
      bed.finish(CheckContext{bed.now_ns + 1'000'000'000, bed.now_ns + 1, false}).at(0);
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.indeterminate, 1u);
}

// With `broker: {persistence: true}` declared the crash excuses nothing (MQTT-3.2.2-2).
TEST(SessionsChecker, SessionLostInACrashDespitePersistenceFails) {
  Bed bed({"sessions"});
  bed.connect("dev", false, false);
  bed.fault("begin broker_crash broker");
  bed["dev"].connection_lost("broker_closed");
  bed.fault("end broker_crash broker");
  bed.connect("dev", false, false);
  const Verdict& v =
      bed.finish(CheckContext{bed.now_ns + 1'000'000'000, bed.now_ns + 1, true}).at(0);
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.2.2-2");
}

TEST(SessionsChecker, SessionKeptAcrossACrashWithPersistencePasses) {
  Bed bed({"sessions"});
  bed.connect("dev", false, false);
  bed.fault("begin broker_crash broker");
  bed["dev"].connection_lost("broker_closed");
  bed.fault("end broker_crash broker");
  bed.connect("dev", false, true);
  const Verdict& v =
      bed.finish(CheckContext{bed.now_ns + 1'000'000'000, bed.now_ns + 1, true}).at(0);
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.indeterminate, 0u);
}

// Queued QoS 1 messages published before a crash: owed after it only when persistence was
// declared.
TEST(SessionsChecker, QueuedMessageLostInACrashFailsOnlyWithPersistence) {
  for (const bool persistent : {true, false}) {
    Bed bed({"sessions"});
    bed.connect("pub");
    bed.connect("sub", false);
    bed.subscribe("sub", "q/#", 1);
    bed["sub"].connection_lost("network");
    bed.tick();
    bed.publish("pub", "q/1", 1);
    bed.fault("begin broker_crash broker");
    bed["pub"].connection_lost("broker_closed");
    bed.fault("end broker_crash broker");
    bed.connect("sub", false, true);
    const Verdict& v =
        bed.finish(CheckContext{bed.now_ns + 1'000'000'000, bed.now_ns + 1, persistent}).at(0);
    EXPECT_EQ(v.passed, !persistent) << explain(v);
    EXPECT_EQ(v.counts.lost, persistent ? 1u : 0u) << explain(v);
  }
}

class OfflineSubscriberBed : public Bed {
 public:
  OfflineSubscriberBed() : Bed({"sessions"}) {
    connect("pub");
    connect("sub", false);
    subscribe("sub", "q/#", 1);
    (*this)["sub"].connection_lost("network");
    tick();
    queued = publish("pub", "q/1", 1);
    connect("sub", false, true);
  }
  history::EnvelopedPublish queued;
};

TEST(SessionsChecker, QueuedMessageDeliveredAfterReconnectPasses) {
  OfflineSubscriberBed bed;
  bed.deliver("sub", "q/1", 1, bed.queued);
  const Verdict& v = bed.verdict("sessions");
  EXPECT_TRUE(v.passed) << explain(v);
}

TEST(SessionsChecker, QueuedMessageNeverDeliveredFails) {
  OfflineSubscriberBed bed;
  const Verdict& v = bed.verdict("sessions");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.lost, 1u);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.1.2-5");
}

}  // namespace
}  // namespace mqttbed::check::testing

namespace mqttbed::check::testing {
namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;

TEST(SessionsChecker, Mqtt5SessionWithZeroExpiryEndsWithItsConnection) {
  Bed bed({"sessions", "qos"});
  bed["dev"].connect_sent(false, 0u);
  bed["dev"].connack(false, 0);
  bed.subscribe("dev", "a/#", 1);
  bed["dev"].connection_lost("network");
  bed.connect("pub");
  bed.publish("pub", "a/b", 1);  // owed to nobody: the session is gone
  bed["dev"].connect_sent(false, 0u);
  bed["dev"].connack(false, 0);
  EXPECT_TRUE(bed.verdict("sessions").passed) << explain(bed.verdict("sessions"));
  EXPECT_EQ(bed.verdict("qos1").counts.checked, 0u);
}

TEST(SessionsChecker, Mqtt5SessionWithinItsExpiryMustBePresent) {
  Bed bed({"sessions"});
  bed["dev"].connect_sent(false, 3600u);
  bed["dev"].connack(false, 0);
  bed["dev"].connection_lost("network");
  bed.tick(60 * kSecondNs);
  bed["dev"].connect_sent(false, 3600u);
  bed["dev"].connack(false, 0);
  EXPECT_FALSE(bed.verdict("sessions").passed);
}

TEST(SessionsChecker, Mqtt5SessionPastItsExpiryMustBeGone) {
  Bed bed({"sessions"});
  bed["dev"].connect_sent(false, 60u);
  bed["dev"].connack(false, 0);
  bed["dev"].connection_lost("network");
  bed.tick(600 * kSecondNs);
  bed["dev"].connect_sent(false, 60u);
  bed["dev"].connack(true, 0);
  EXPECT_EQ(bed.verdict("sessions").violations.at(0).spec, "MQTT-3.2.2-3");
}

TEST(SessionsChecker, Mqtt5SessionJustPastItsExpiryIsIndeterminate) {
  Bed bed({"sessions"});
  bed["dev"].connect_sent(false, 60u);
  bed["dev"].connack(false, 0);
  bed["dev"].connection_lost("network");
  bed.tick(90 * kSecondNs);
  bed["dev"].connect_sent(false, 60u);
  bed["dev"].connack(true, 0);
  EXPECT_TRUE(bed.verdict("sessions").passed);
  EXPECT_EQ(bed.verdict("sessions").counts.indeterminate, 1u);
}

// The broker starts the expiry interval when it notices the loss: up to 1.5 x the connection's
// keepalive later (MQTT-3.1.2-24). With 300 s that is 450 s, far over a fixed 120 s slack.
TEST(SessionsChecker, Mqtt5SessionPastExpiryWithinOneAndAHalfKeepalivesIsIndeterminate) {
  Bed bed({"sessions"});
  bed["dev"].connect_sent(false, 60u, 300);
  bed["dev"].connack(false, 0);
  bed["dev"].connection_lost("network");
  bed.tick(260 * kSecondNs);  // 200 s past expiry, inside 60 + 450
  bed["dev"].connect_sent(false, 60u, 300);
  bed["dev"].connack(true, 0);
  EXPECT_TRUE(bed.verdict("sessions").passed) << explain(bed.verdict("sessions"));
  EXPECT_EQ(bed.verdict("sessions").counts.indeterminate, 1u);
}

TEST(SessionsChecker, Mqtt5SessionPastExpiryAndOneAndAHalfShortKeepalivesMustBeGone) {
  Bed bed({"sessions"});
  bed["dev"].connect_sent(false, 60u, 10);
  bed["dev"].connack(false, 0);
  bed["dev"].connection_lost("network");
  bed.tick(80 * kSecondNs);  // past 60 + 15
  bed["dev"].connect_sent(false, 60u, 10);
  bed["dev"].connack(true, 0);
  ASSERT_FALSE(bed.verdict("sessions").passed);
  EXPECT_EQ(bed.verdict("sessions").violations.at(0).spec, "MQTT-3.2.2-3");
}

// The slack is the ended connection's keepalive, not the reconnect's.
TEST(SessionsChecker, ExpirySlackComesFromTheConnectionThatHeldTheSession) {
  Bed bed({"sessions"});
  bed["dev"].connect_sent(false, 60u, 10);
  bed["dev"].connack(false, 0);
  bed["dev"].connection_lost("network");
  bed.tick(80 * kSecondNs);
  bed["dev"].connect_sent(false, 60u, 300);
  bed["dev"].connack(true, 0);
  EXPECT_FALSE(bed.verdict("sessions").passed);
}

// Keepalive 0 turns the mechanism off (MQTT 3.1.1 §3.1.2.10): the broker may never notice a
// silent loss, so the interval may never have started.
TEST(SessionsChecker, Mqtt5SessionWithKeepaliveOffIsNeverJudgedGone) {
  Bed bed({"sessions"});
  bed["dev"].connect_sent(false, 60u, 0);
  bed["dev"].connack(false, 0);
  bed["dev"].connection_lost("network");
  bed.tick(100'000 * kSecondNs);
  bed["dev"].connect_sent(false, 60u, 0);
  bed["dev"].connack(true, 0);
  EXPECT_TRUE(bed.verdict("sessions").passed) << explain(bed.verdict("sessions"));
  EXPECT_EQ(bed.verdict("sessions").counts.indeterminate, 1u);
}

}  // namespace
}  // namespace mqttbed::check::testing
