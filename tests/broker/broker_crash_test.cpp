// Broker model, crash and restart: connections dropped without wills, persistence of
// sessions and retained messages, refusal while down.
#include <gtest/gtest.h>

#include "tests/broker/fake_broker_host.h"

namespace mqttbed::broker::testing {
namespace {

using mqtt::PacketType;

class BrokerCrash : public BrokerFixture {};

TEST_F(BrokerCrash, CrashDropsEveryConnectionWithoutWills) {
  connect(1, "watcher", {.clean = false});
  subscribe(1, "wills/#", 1);
  connect(2, "c", {.will = will("wills/c", "gone", 1)});
  broker().crash();
  EXPECT_FALSE(broker().is_up());
  EXPECT_TRUE(host.was_closed(1));
  EXPECT_TRUE(host.was_closed(2));
  EXPECT_EQ(broker().stats().connections, 0u);
  broker().restart();
  connect(3, "watcher", {.clean = false});
  EXPECT_TRUE(host.take_publishes(3).empty());
  EXPECT_EQ(broker().stats().wills_published, 0u);
}

TEST_F(BrokerCrash, PacketsWhileDownAreRefused) {
  broker().crash();
  broker().on_packet(1, connect_packet("c"));
  EXPECT_TRUE(host.was_closed(1));
  EXPECT_TRUE(host.take(1).empty());
  broker().restart();
  EXPECT_TRUE(broker().is_up());
  EXPECT_EQ(connect(2, "c").return_code, 0);
}

TEST_F(BrokerCrash, PersistenceKeepsSessionsQueuedMessagesAndRetained) {
  config.persistence = true;
  connect(1, "sub", {.clean = false});
  subscribe(1, "t", 1);
  send(1, PacketType::disconnect);
  connect(2, "pub");
  publish(2, "t", "queued", 1);
  publish(2, "r", "kept", 1, /*retain=*/true);
  broker().crash();
  broker().restart();
  EXPECT_TRUE(connect(3, "sub", {.clean = false}).session_present);
  EXPECT_EQ(payloads(host.take_publishes(3)), std::vector<std::string>{"queued"});
  subscribe(3, "r", 1);
  EXPECT_EQ(payloads(retained_after_subscribe), std::vector<std::string>{"kept"});
}

TEST_F(BrokerCrash, PersistenceKeepsInflightMessagesForResend) {  // MQTT-4.4.0-1
  config.persistence = true;
  connect(1, "sub", {.clean = false});
  subscribe(1, "t", 1);
  connect(2, "pub");
  publish(2, "t", "unacked", 1);
  ASSERT_EQ(host.take_publishes(1).size(), 1u);
  broker().crash();
  broker().restart();
  connect(3, "sub", {.clean = false});
  const auto again = host.take_publishes(3);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0].dup);
}

TEST_F(BrokerCrash, WithoutPersistenceEverythingIsLost) {
  config.persistence = false;
  connect(1, "sub", {.clean = false});
  subscribe(1, "t", 1);
  send(1, PacketType::disconnect);
  connect(2, "pub");
  publish(2, "t", "queued", 1);
  publish(2, "r", "kept", 1, true);
  broker().crash();
  EXPECT_EQ(broker().stats().sessions, 0u);
  EXPECT_EQ(broker().stats().queued_now, 0u);
  broker().restart();
  EXPECT_FALSE(connect(3, "sub", {.clean = false}).session_present);
  EXPECT_TRUE(host.take_publishes(3).empty());
  subscribe(3, "r", 1);
  EXPECT_TRUE(retained_after_subscribe.empty());
  connect(4, "pub");
  publish(4, "t", "after", 1);
  EXPECT_TRUE(host.take_publishes(3).empty());  // the subscription is gone too
}

TEST_F(BrokerCrash, KeepaliveTimersFromBeforeTheCrashDoNothing) {
  connect(1, "c", {.keepalive_s = 10});
  broker().crash();
  broker().restart();
  connect(2, "c", {.keepalive_s = 100});
  host.advance(20s);
  EXPECT_FALSE(host.was_closed(2));
  EXPECT_EQ(broker().stats().keepalive_expiries, 0u);
}

TEST_F(BrokerCrash, CleanSessionsEndWithTheCrash) {  // MQTT-3.1.2-6
  connect(1, "c", {.clean = true});
  subscribe(1, "t", 1);
  broker().crash();
  EXPECT_EQ(broker().stats().sessions, 0u);
}

}  // namespace
}  // namespace mqttbed::broker::testing
