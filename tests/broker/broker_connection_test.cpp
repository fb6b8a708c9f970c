// Broker model, connection lifecycle: CONNACK and session present, takeover, protocol
// violations, keepalive expiry, wills, v5 will delay and session expiry.
#include <gtest/gtest.h>

#include "tests/broker/fake_broker_host.h"

namespace mqttbed::broker::testing {
namespace {

using mqtt::PacketType;

class BrokerConnection : public BrokerFixture {};

TEST_F(BrokerConnection, SessionPresentIsFalseForCleanSession) {  // MQTT-3.2.2-1
  connect(1, "c", {.clean = false});
  send(1, PacketType::disconnect);
  EXPECT_FALSE(connect(2, "c", {.clean = true}).session_present);
}

TEST_F(BrokerConnection, SessionPresentIsTrueOnPersistentReconnect) {  // MQTT-3.2.2-2, -3
  EXPECT_FALSE(connect(1, "c", {.clean = false}).session_present);
  send(1, PacketType::disconnect);
  EXPECT_TRUE(host.was_closed(1));
  const mqtt::Packet connack = connect(2, "c", {.clean = false});
  EXPECT_TRUE(connack.session_present);
  EXPECT_EQ(connack.return_code, 0);
}

TEST_F(BrokerConnection, CleanSessionDiscardsSubscriptionsAtDisconnect) {  // MQTT-3.1.2-6
  connect(1, "sub", {.clean = true});
  subscribe(1, "t", 1);
  send(1, PacketType::disconnect);
  connect(2, "pub");
  EXPECT_EQ(broker().stats().sessions, 1u);
  connect(3, "sub", {.clean = false});
  publish(2, "t", "x", 1);
  EXPECT_TRUE(host.take_publishes(3).empty());
}

TEST_F(BrokerConnection, FirstPacketMustBeConnect) {  // MQTT-3.1.0-1
  broker().on_packet(1, publish_packet("t", "x"));
  EXPECT_TRUE(host.was_closed(1));
  EXPECT_EQ(broker().stats().connections, 0u);
}

TEST_F(BrokerConnection, SecondConnectIsAProtocolViolationAndFiresTheWill) {  // MQTT-3.1.0-2
  connect(1, "watcher");
  subscribe(1, "wills/#", 0);
  connect(2, "c", {.will = will("wills/c", "gone")});
  broker().on_packet(2, connect_packet("c"));
  EXPECT_TRUE(host.was_closed(2));
  EXPECT_EQ(payloads(host.take_publishes(1)), std::vector<std::string>{"gone"});
}

TEST_F(BrokerConnection, ClientIdTakeoverClosesTheOlderConnection) {  // MQTT-3.1.4-2
  connect(1, "watcher");
  subscribe(1, "wills/#", 0);
  connect(2, "c", {.will = will("wills/c", "old")});
  connect(3, "c");
  EXPECT_TRUE(host.was_closed(2));
  EXPECT_FALSE(host.was_closed(3));
  EXPECT_EQ(payloads(host.take_publishes(1)), std::vector<std::string>{"old"});
  EXPECT_EQ(broker().stats().connections, 2u);
  // Late packets of the old connection do not act for the client.
  broker().on_packet(2, publish_packet("wills/c", "late"));
  EXPECT_TRUE(host.take_publishes(1).empty());
}

TEST_F(BrokerConnection, V5TakeoverSendsDisconnectWithSessionTakenOver) {  // v5 §3.1.4
  config.version = mqtt::Version::v5;
  connect(2, "c");
  connect(3, "c");
  const auto packets = host.take(2);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].type, PacketType::disconnect);
  EXPECT_EQ(packets[0].return_code, 0x8E);
  EXPECT_EQ(packets[0].reason_string, "takeover");  // v5 §3.14.2.2.3
  EXPECT_TRUE(host.was_closed(2));
}

TEST_F(BrokerConnection, V311TakeoverSendsNoDisconnect) {  // no server DISCONNECT in 3.1.1
  connect(2, "c");
  connect(3, "c");
  EXPECT_TRUE(host.take(2).empty());
  EXPECT_TRUE(host.was_closed(2));
}

TEST_F(BrokerConnection, EmptyClientIdWithPersistentSessionIsRejected) {  // MQTT-3.1.3-8
  broker().on_packet(1, connect_packet("", {.clean = false}));
  const auto packets = host.take(1);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].return_code, 0x02);
  EXPECT_TRUE(host.was_closed(1));
}

TEST_F(BrokerConnection, EmptyClientIdWithCleanSessionIsAssignedOne) {  // MQTT-3.1.3-6
  EXPECT_EQ(connect(1, "", {.clean = true}).return_code, 0);
  EXPECT_EQ(broker().stats().connections, 1u);
}

TEST_F(BrokerConnection, PingreqIsAnsweredWithPingresp) {  // MQTT-3.12.4-1
  connect(1, "c");
  send(1, PacketType::pingreq);
  const auto packets = host.take(1);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].type, PacketType::pingresp);
}

TEST_F(BrokerConnection, WillIsPublishedAfterOneAndAHalfKeepalives) {  // MQTT-3.1.2-24
  connect(1, "watcher");
  subscribe(1, "wills/#", 1);
  connect(2, "c", {.keepalive_s = 10, .will = will("wills/c", "gone", 1)});
  host.advance(14999ms);
  EXPECT_FALSE(host.was_closed(2));
  EXPECT_TRUE(host.take_publishes(1).empty());
  host.advance(1ms);
  EXPECT_TRUE(host.was_closed(2));
  const auto wills = host.take_publishes(1);
  ASSERT_EQ(wills.size(), 1u);
  EXPECT_EQ(wills[0].payload, "gone");
  EXPECT_EQ(wills[0].qos, 1);
  EXPECT_EQ(broker().stats().keepalive_expiries, 1u);
  EXPECT_EQ(broker().stats().wills_published, 1u);
}

TEST_F(BrokerConnection, AnyPacketResetsTheKeepaliveTimer) {  // MQTT-3.1.2-24
  connect(1, "c", {.keepalive_s = 10});
  host.advance(10s);
  send(1, PacketType::pingreq);
  host.advance(14s);
  EXPECT_FALSE(host.was_closed(1));
  host.advance(1s);
  EXPECT_TRUE(host.was_closed(1));
}

TEST_F(BrokerConnection, ZeroKeepaliveNeverExpires) {  // MQTT-3.1.2-24 (0 = off)
  connect(1, "c", {.keepalive_s = 0});
  host.advance(std::chrono::hours(24));
  EXPECT_FALSE(host.was_closed(1));
}

TEST_F(BrokerConnection, WillIsNotPublishedAfterCleanDisconnect) {  // MQTT-3.1.2-10
  connect(1, "watcher");
  subscribe(1, "wills/#", 0);
  connect(2, "c", {.will = will("wills/c", "gone")});
  send(2, PacketType::disconnect);
  broker().on_connection_lost(2);
  EXPECT_TRUE(host.take_publishes(1).empty());
  EXPECT_EQ(broker().stats().wills_published, 0u);
}

TEST_F(BrokerConnection, WillIsPublishedOnceOnNetworkLossWithItsRetainFlag) {  // MQTT-3.1.2-8
  connect(2, "c", {.will = will("wills/c", "gone", 0, /*retain=*/true)});
  broker().on_connection_lost(2);
  broker().on_connection_lost(2);
  EXPECT_FALSE(host.was_closed(2));  // the transport closed it, not the broker
  EXPECT_EQ(broker().stats().wills_published, 1u);
  connect(1, "late");
  subscribe(1, "wills/c", 0);
  ASSERT_EQ(retained_after_subscribe.size(), 1u);  // MQTT-3.1.2-17: retained will
  EXPECT_TRUE(retained_after_subscribe[0].retain);
}

TEST_F(BrokerConnection, DeniedWillIsNotPublished) {
  config.authorize = [](const std::string&, policy::Action action, const std::string& topic) {
    return !(action == policy::Action::publish && topic == "wills/c");
  };
  connect(1, "watcher");
  subscribe(1, "wills/#", 0);
  connect(2, "c", {.will = will("wills/c", "gone")});
  broker().on_connection_lost(2);
  EXPECT_TRUE(host.take_publishes(1).empty());
  EXPECT_EQ(broker().stats().denied, 1u);
}

TEST_F(BrokerConnection, V5WillDelayIsCancelledByReconnect) {  // MQTT-3.1.3-9
  config.version = mqtt::Version::v5;
  connect(1, "watcher");
  subscribe(1, "wills/#", 0);
  connect(2, "c", {.will = will("wills/c", "gone", 0, false, 30), .session_expiry_s = 3600});
  broker().on_connection_lost(2);
  host.advance(20s);
  connect(3, "c", {.clean = false, .session_expiry_s = 3600});
  host.advance(60s);
  EXPECT_TRUE(host.take_publishes(1).empty());
}

TEST_F(BrokerConnection, V5WillIsPublishedWhenTheDelayEnds) {
  config.version = mqtt::Version::v5;
  connect(1, "watcher");
  subscribe(1, "wills/#", 0);
  connect(2, "c", {.will = will("wills/c", "gone", 0, false, 30), .session_expiry_s = 3600});
  broker().on_connection_lost(2);
  host.advance(29s);
  EXPECT_TRUE(host.take_publishes(1).empty());
  host.advance(1s);
  EXPECT_EQ(payloads(host.take_publishes(1)), std::vector<std::string>{"gone"});
}

TEST_F(BrokerConnection, V5WillIsPublishedWhenTheSessionEndsFirst) {
  config.version = mqtt::Version::v5;
  connect(1, "watcher");
  subscribe(1, "wills/#", 0);
  connect(2, "c", {.will = will("wills/c", "gone", 0, false, 300), .session_expiry_s = 0});
  broker().on_connection_lost(2);
  EXPECT_EQ(payloads(host.take_publishes(1)), std::vector<std::string>{"gone"});
}

TEST_F(BrokerConnection, V5SessionExpiresAfterItsInterval) {
  config.version = mqtt::Version::v5;
  connect(1, "c", {.clean = false, .session_expiry_s = 60});
  subscribe(1, "t", 1);
  broker().on_connection_lost(1);
  host.advance(59s);
  EXPECT_TRUE(connect(2, "c", {.clean = false, .session_expiry_s = 60}).session_present);
  broker().on_connection_lost(2);
  host.advance(60s);
  EXPECT_FALSE(connect(3, "c", {.clean = false, .session_expiry_s = 60}).session_present);
}

}  // namespace
}  // namespace mqttbed::broker::testing
