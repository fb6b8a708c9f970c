// Broker model, message flows: QoS 0/1/2 in and out, fan-out and granted QoS, ordering,
// in-flight window and queue, persistent sessions, retained messages, authorization.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/broker/fake_broker_host.h"

namespace mqttbed::broker::testing {
namespace {

using mqtt::PacketType;

class BrokerDelivery : public BrokerFixture {};

TEST_F(BrokerDelivery, Qos1PublishIsAcknowledgedWithItsIdAndForwarded) {  // MQTT-4.3.2-2
  connect(1, "sub");
  subscribe(1, "t", 1);
  connect(2, "pub");
  broker().on_packet(2, publish_packet("t", "x", 1, 42));
  const auto acks = host.take(2);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].type, PacketType::puback);
  EXPECT_EQ(acks[0].packet_id, 42);
  const auto got = host.take_publishes(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].qos, 1);
  EXPECT_NE(got[0].packet_id, 0);  // MQTT-2.3.1-1
  EXPECT_FALSE(got[0].dup);
  EXPECT_EQ(broker().stats().publishes_in, 1u);
  EXPECT_EQ(broker().stats().deliveries_out, 1u);
}

TEST_F(BrokerDelivery, Qos2IsDeliveredOnceDespiteDuplicatePublish) {  // MQTT-4.3.3-2
  connect(1, "sub");
  subscribe(1, "t", 2);
  connect(2, "pub");
  broker().on_packet(2, publish_packet("t", "x", 2, 5));
  auto resend = publish_packet("t", "x", 2, 5);
  resend.dup = true;
  broker().on_packet(2, resend);
  auto acks = host.take(2);
  ASSERT_EQ(acks.size(), 2u);
  EXPECT_EQ(acks[0].type, PacketType::pubrec);
  EXPECT_EQ(acks[1].type, PacketType::pubrec);
  EXPECT_EQ(host.take_publishes(1).size(), 1u);
  send(2, PacketType::pubrel, 5);
  acks = host.take(2);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].type, PacketType::pubcomp);
  EXPECT_EQ(acks[0].packet_id, 5);
  // Released: the same id now carries a new message.
  broker().on_packet(2, publish_packet("t", "y", 2, 5));
  EXPECT_EQ(payloads(host.take_publishes(1)), std::vector<std::string>{"y"});
}

TEST_F(BrokerDelivery, PubrelForAnUnknownIdIsStillCompleted) {  // MQTT-4.3.3-1 (receiver)
  connect(2, "pub");
  send(2, PacketType::pubrel, 77);
  const auto packets = host.take(2);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].type, PacketType::pubcomp);
  EXPECT_EQ(packets[0].packet_id, 77);
}

TEST_F(BrokerDelivery, Qos0IsForwardedToOnlineSubscribersWithoutId) {
  connect(1, "sub");
  subscribe(1, "t", 1);
  connect(2, "pub");
  publish(2, "t", "x", 0);
  EXPECT_TRUE(host.take(2).empty());  // no acknowledgement at QoS 0
  const auto got = host.take_publishes(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].qos, 0);
  EXPECT_EQ(got[0].packet_id, 0);
}

TEST_F(BrokerDelivery, OutgoingQos2FlowAnswersPubrecWithPubrel) {  // MQTT-4.3.3-1
  config.max_inflight = 1;
  connect(1, "sub");
  subscribe(1, "t", 2);
  connect(2, "pub");
  publish(2, "t", "a", 2);
  publish(2, "t", "b", 2);
  auto got = host.take_publishes(1);
  ASSERT_EQ(got.size(), 1u);
  send(1, PacketType::pubrec, got[0].packet_id);
  auto packets = host.take(1);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].type, PacketType::pubrel);
  EXPECT_EQ(packets[0].packet_id, got[0].packet_id);
  send(1, PacketType::pubcomp, got[0].packet_id);  // frees the window for "b"
  EXPECT_EQ(payloads(host.take_publishes(1)), std::vector<std::string>{"b"});
}

TEST_F(BrokerDelivery, DeliveredQosIsTheLowerOfPublishedAndGranted) {  // MQTT-3.8.4-6
  connect(1, "sub");
  subscribe(1, "low", 0);
  subscribe(1, "high", 2);
  connect(2, "pub");
  publish(2, "low", "a", 2);
  publish(2, "high", "b", 1);
  const auto got = host.take_publishes(1);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].qos, 0);
  EXPECT_EQ(got[1].qos, 1);
}

TEST_F(BrokerDelivery, OverlappingSubscriptionsGetOneCopyAtTheHighestQos) {  // MQTT-3.3.5-1
  connect(1, "sub");
  subscribe(1, "a/+", 0);
  subscribe(1, "a/#", 2);
  connect(2, "pub");
  publish(2, "a/b", "x", 2);
  const auto got = host.take_publishes(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].qos, 2);
}

TEST_F(BrokerDelivery, Qos2IsNotGrantedWhenDisabled) {
  config.qos2 = false;
  connect(1, "sub");
  const auto suback = subscribe(1, "t", 2);
  ASSERT_EQ(suback.granted.size(), 1u);
  EXPECT_EQ(suback.granted[0], 1);
}

// AWS IoT Core: "When QoS level 2 is requested, the AWS IoT message broker does not send a
// PUBACK or SUBACK" (docs/scenario.md, profile aws-iot).
TEST_F(BrokerDelivery, Qos2RequestsGoUnansweredWhenTheProfileSaysSo) {
  config.qos2 = false;
  config.qos2_unanswered = true;
  connect(1, "sub");
  broker().on_packet(1, subscribe_packet("t", 2));
  EXPECT_TRUE(host.take(1).empty());  // no SUBACK, and nothing subscribed
  subscribe(1, "u", 1);
  connect(2, "pub");
  broker().on_packet(2, publish_packet("t", "x", 2, 9));
  broker().on_packet(2, publish_packet("u", "y", 2, 10));
  EXPECT_TRUE(host.take(2).empty());  // no PUBREC
  EXPECT_TRUE(host.take_publishes(1).empty());
  EXPECT_FALSE(host.was_closed(2));
  publish(2, "u", "z", 1);
  EXPECT_EQ(payloads(host.take_publishes(1)), std::vector<std::string>{"z"});
}

// A profile without an ordering promise: deliveries are held a seeded random time within the
// window, so later ones overtake earlier ones; the same seed reorders the same way.
TEST_F(BrokerDelivery, AReorderWindowReordersDeliveriesDeterministically) {
  const auto run = [](std::uint64_t seed) {
    FakeBrokerHost host;
    BrokerConfig config;
    config.reorder_window = 200ms;
    config.reorder_seed = seed;
    Broker broker(config, host);
    broker.on_packet(1, connect_packet("sub"));
    broker.on_packet(1, subscribe_packet("t", 1));
    broker.on_packet(2, connect_packet("pub"));
    for (int i = 0; i < 20; ++i) {
      broker.on_packet(
          2, publish_packet("t", std::to_string(i), 1, static_cast<std::uint16_t>(i + 1)));
    }
    host.take(1);
    std::vector<std::string> order;
    for (int step = 0; step < 40 && order.size() < 20; ++step) {
      host.advance(10ms);
      for (const auto& p : host.take_publishes(1)) {
        order.push_back(p.payload);
        broker.on_packet(1, ack_packet(PacketType::puback, p.packet_id));
      }
    }
    return order;
  };
  const auto first = run(7);
  ASSERT_EQ(first.size(), 20u);  // nothing lost, only late
  EXPECT_FALSE(std::is_sorted(first.begin(), first.end(), [](const auto& a, const auto& b) {
    return std::stoi(a) < std::stoi(b);
  }));
  EXPECT_EQ(run(7), first);
}

TEST_F(BrokerDelivery, DeliveriesToASubscriberFollowPublishOrder) {  // MQTT-4.6.0-6
  config.max_inflight = 2;
  connect(1, "sub");
  subscribe(1, "t", 1);
  connect(2, "pub");
  for (int i = 0; i < 6; ++i) publish(2, "t", std::to_string(i), 1);
  std::vector<std::string> order;
  for (int round = 0; round < 10 && order.size() < 6; ++round) {
    for (const auto& p : host.take_publishes(1)) {
      order.push_back(p.payload);
      send(1, PacketType::puback, p.packet_id);
    }
  }
  EXPECT_EQ(order, (std::vector<std::string>{"0", "1", "2", "3", "4", "5"}));
}

TEST_F(BrokerDelivery, InflightWindowQueuesExcess) {
  config.max_inflight = 2;
  connect(1, "sub");
  subscribe(1, "t", 1);
  connect(2, "pub");
  for (int i = 0; i < 5; ++i) publish(2, "t", std::to_string(i), 1);
  const auto first = host.take_publishes(1);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(broker().stats().queued_now, 3u);
  send(1, PacketType::puback, first[0].packet_id);
  EXPECT_EQ(payloads(host.take_publishes(1)), std::vector<std::string>{"2"});
  EXPECT_EQ(broker().stats().queued_now, 2u);
}

TEST_F(BrokerDelivery, QueueFullDropsAndCounts) {
  config.max_inflight = 1;
  config.max_queued = 2;
  connect(1, "sub", {.clean = false});
  subscribe(1, "t", 1);
  send(1, PacketType::disconnect);
  connect(2, "pub");
  for (int i = 0; i < 5; ++i) publish(2, "t", std::to_string(i), 1);
  EXPECT_EQ(broker().stats().dropped_queue_full, 3u);
  EXPECT_EQ(broker().stats().queued_now, 2u);
}

TEST_F(BrokerDelivery, PersistentSessionReceivesQueuedQos1AfterReconnect) {  // MQTT-3.1.2-4
  connect(1, "sub", {.clean = false});
  subscribe(1, "t", 1);
  send(1, PacketType::disconnect);
  connect(2, "pub");
  publish(2, "t", "q1", 1);
  publish(2, "t", "q0", 0);  // QoS 0 is not kept for an offline session
  publish(2, "t", "q2", 1);
  EXPECT_EQ(broker().stats().queued_now, 2u);
  connect(3, "sub", {.clean = false});
  EXPECT_EQ(payloads(host.take_publishes(3)), (std::vector<std::string>{"q1", "q2"}));
  EXPECT_EQ(broker().stats().queued_now, 0u);
}

TEST_F(BrokerDelivery, UnacknowledgedPublishIsResentWithDupOnReconnect) {  // MQTT-4.4.0-1
  connect(1, "sub", {.clean = false});
  subscribe(1, "t", 2);
  connect(2, "pub");
  publish(2, "t", "one", 1);
  publish(2, "t", "two", 2);
  const auto first = host.take_publishes(1);
  ASSERT_EQ(first.size(), 2u);
  send(1, PacketType::pubrec, first[1].packet_id);
  host.take(1);
  broker().on_connection_lost(1);
  connect(3, "sub", {.clean = false});
  const auto again = host.take(3);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].type, PacketType::publish);
  EXPECT_TRUE(again[0].dup);
  EXPECT_EQ(again[0].packet_id, first[0].packet_id);
  EXPECT_EQ(again[1].type, PacketType::pubrel);  // after PUBREC only PUBREL again
  EXPECT_EQ(again[1].packet_id, first[1].packet_id);
}

TEST_F(BrokerDelivery, RetainedMessageIsSentToNewSubscriptionWithRetainSet) {  // MQTT-3.3.1-6
  connect(1, "early");
  subscribe(1, "home/+", 1);
  connect(2, "pub");
  publish(2, "home/temp", "21", 1, /*retain=*/true);
  const auto forwarded = host.take_publishes(1);
  ASSERT_EQ(forwarded.size(), 1u);
  EXPECT_FALSE(forwarded[0].retain);  // MQTT-3.3.1-9
  connect(3, "late");
  subscribe(3, "home/#", 0);
  ASSERT_EQ(retained_after_subscribe.size(), 1u);
  EXPECT_TRUE(retained_after_subscribe[0].retain);  // MQTT-3.3.1-8
  EXPECT_EQ(retained_after_subscribe[0].payload, "21");
  EXPECT_EQ(retained_after_subscribe[0].qos, 0);  // capped at the granted QoS
}

TEST_F(BrokerDelivery, RepeatedSubscribeResendsRetainedMessages) {  // MQTT-3.8.4-3
  connect(2, "pub");
  publish(2, "r", "kept", 1, true);
  connect(3, "sub");
  subscribe(3, "r", 1);
  subscribe(3, "r", 1);
  EXPECT_EQ(payloads(retained_after_subscribe), (std::vector<std::string>{"kept", "kept"}));
  publish(2, "r", "next", 1);
  EXPECT_EQ(host.take_publishes(3).size(), 1u);  // still one subscription, one copy
}

TEST_F(BrokerDelivery, StatsCountSessionsAndConnections) {
  connect(1, "a", {.clean = false});
  connect(2, "b", {.clean = true});
  EXPECT_EQ(broker().stats().connections, 2u);
  EXPECT_EQ(broker().stats().sessions, 2u);
  broker().on_connection_lost(1);
  broker().on_connection_lost(2);
  EXPECT_EQ(broker().stats().connections, 0u);
  EXPECT_EQ(broker().stats().sessions, 1u);  // the persistent one stays
}

TEST_F(BrokerDelivery, RetainedEmptyPayloadClears) {  // MQTT-3.3.1-10, -11
  connect(2, "pub");
  publish(2, "home/temp", "21", 0, true);
  publish(2, "home/temp", "", 0, true);
  connect(3, "late");
  subscribe(3, "home/temp", 0);
  EXPECT_TRUE(retained_after_subscribe.empty());
}

TEST_F(BrokerDelivery, UnsubscribeStopsDeliveryAndIsAcknowledged) {  // MQTT-3.10.4-4
  connect(1, "sub");
  subscribe(1, "t", 0);
  mqtt::Packet unsubscribe;
  unsubscribe.type = PacketType::unsubscribe;
  unsubscribe.packet_id = 9;
  unsubscribe.unsubscribe_filters = {"t"};
  broker().on_packet(1, unsubscribe);
  const auto packets = host.take(1);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].type, PacketType::unsuback);
  EXPECT_EQ(packets[0].packet_id, 9);
  connect(2, "pub");
  publish(2, "t", "x");
  EXPECT_TRUE(host.take_publishes(1).empty());
}

// v5 §3.11.3: one reason code per filter; 0x11 where no such subscription existed.
TEST_F(BrokerDelivery, V5UnsubackSaysWhichFiltersWereSubscribed) {  // MQTT-3.11.3-2
  config.version = mqtt::Version::v5;
  connect(1, "sub");
  subscribe(1, "t", 0);
  mqtt::Packet unsubscribe;
  unsubscribe.type = PacketType::unsubscribe;
  unsubscribe.packet_id = 9;
  unsubscribe.unsubscribe_filters = {"t", "never"};
  broker().on_packet(1, unsubscribe);
  const auto packets = host.take(1);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].type, PacketType::unsuback);
  EXPECT_EQ(packets[0].granted, (std::vector<std::uint8_t>{0x00, 0x11}));
}

// A v5 message queued for an offline session: dropped once its interval passed
// (MQTT-3.3.2-5), else forwarded with what is left (MQTT-3.3.2-6). Retained copies too.
TEST_F(BrokerDelivery, V5MessageExpiryDropsStaleQueuedMessagesAndLowersTheRest) {
  config.version = mqtt::Version::v5;
  connect(1, "sub", {.clean = false, .session_expiry_s = 3600});
  subscribe(1, "t", 1);
  send(1, PacketType::disconnect);
  connect(2, "pub");
  mqtt::Packet stale = publish_packet("t", "stale", 1, 1);
  stale.message_expiry_s = 5;
  mqtt::Packet fresh = publish_packet("t", "fresh", 1, 2, /*retain=*/true);
  fresh.message_expiry_s = 60;
  broker().on_packet(2, stale);
  broker().on_packet(2, fresh);
  host.advance(std::chrono::seconds(10));
  connect(3, "sub", {.clean = false, .session_expiry_s = 3600});
  const auto got = host.take_publishes(3);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, "fresh");
  EXPECT_EQ(got[0].message_expiry_s, 50u);
  host.advance(std::chrono::seconds(55));
  connect(4, "late");
  subscribe(4, "t", 1);
  EXPECT_TRUE(retained_after_subscribe.empty());  // the retained copy expired too
}

TEST_F(BrokerDelivery, V311IgnoresTheExpiryProperty) {  // 3.1.1 has none
  connect(1, "sub", {.clean = false});
  subscribe(1, "t", 1);
  send(1, PacketType::disconnect);
  connect(2, "pub");
  mqtt::Packet p = publish_packet("t", "x", 1, 1);
  p.message_expiry_s = 5;
  broker().on_packet(2, p);
  host.advance(std::chrono::seconds(10));
  connect(3, "sub", {.clean = false});
  const auto got = host.take_publishes(3);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].message_expiry_s, 0u);
}

TEST_F(BrokerDelivery, V5PubackIsSuccess) {  // MQTT-3.4.2-1
  config.version = mqtt::Version::v5;
  connect(2, "pub");
  broker().on_packet(2, publish_packet("t", "x", 1, 42));
  const auto acks = host.take(2);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].type, PacketType::puback);
  EXPECT_EQ(acks[0].return_code, 0x00);
}

TEST_F(BrokerDelivery, DeniedPublishIsAcknowledgedButDeliveredNowhere) {
  config.authorize = [](const std::string& client, policy::Action action, const std::string&) {
    return !(action == policy::Action::publish && client == "intruder");
  };
  connect(1, "sub");
  subscribe(1, "t", 1);
  connect(2, "intruder");
  publish(2, "t", "x", 1, /*retain=*/true);
  const auto acks = host.take(2);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].type, PacketType::puback);
  EXPECT_TRUE(host.take_publishes(1).empty());
  EXPECT_EQ(broker().stats().denied, 1u);
  subscribe(1, "t", 1);
  EXPECT_TRUE(retained_after_subscribe.empty());  // not retained either
}

TEST_F(BrokerDelivery, DeniedSubscriptionGetsTheFailureCode) {  // MQTT-3.9.3 (0x80)
  config.authorize = [](const std::string&, policy::Action action, const std::string& filter) {
    return action == policy::Action::publish || filter != "secret/#";
  };
  connect(1, "sub");
  const auto suback = subscribe(1, "secret/#", 1);
  ASSERT_EQ(suback.granted.size(), 1u);
  EXPECT_EQ(suback.granted[0], 0x80);
  connect(2, "pub");
  publish(2, "secret/x", "x");
  EXPECT_TRUE(host.take_publishes(1).empty());
  EXPECT_EQ(broker().stats().denied, 1u);
}

TEST_F(BrokerDelivery, PayloadOverTheLimitClosesTheConnection) {
  config.payload_limit_bytes = 4;
  connect(1, "sub");
  subscribe(1, "t", 0);
  connect(2, "pub");
  publish(2, "t", "12345");
  EXPECT_TRUE(host.was_closed(2));
  EXPECT_TRUE(host.take_publishes(1).empty());
  EXPECT_EQ(broker().stats().dropped_payload_limit, 1u);
}

TEST_F(BrokerDelivery, WildcardInTopicNameIsAProtocolViolation) {  // MQTT-3.3.2-2
  connect(2, "pub");
  publish(2, "a/+", "x");
  EXPECT_TRUE(host.was_closed(2));
}

}  // namespace
}  // namespace mqttbed::broker::testing
