// Session and SessionStore: packet ids, the in-flight window and queue, QoS 2 receive ids,
// resends on reconnect and session-present rules, each against its MQTT statement.
#include "sim/mqtt/session.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mqttbed::mqtt {
namespace {

Message message(const std::string& topic, std::uint8_t qos, const std::string& payload = "p") {
  return Message{topic, payload, qos, false};
}

constexpr std::int64_t kS = 1'000'000'000;

Message expiring(std::uint32_t expiry_s, std::int64_t received_ns, const std::string& payload) {
  Message m = message("t", 1, payload);
  m.expiry_s = expiry_s;
  m.received_ns = received_ns;
  return m;
}

// MQTT-3.3.2-5: expired before onward delivery began, dropped; MQTT-3.3.2-6: the rest of the
// interval goes with the PUBLISH.
TEST(Session, ExpiredMessagesAreDroppedAndTheRestCarryWhatIsLeft) {
  Session session("c", {});
  session.enqueue(expiring(10, 0, "stale"));
  session.enqueue(expiring(60, 0, "fresh"));
  session.enqueue(message("t", 1, "forever"));
  const auto sent = session.take_sendable(12 * kS + kS / 2);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].message.payload, "fresh");
  EXPECT_EQ(sent[0].to_packet().message_expiry_s, 48u);  // 60 - 12 whole seconds waited
  EXPECT_EQ(sent[1].to_packet().message_expiry_s, 0u);   // none set, none sent
  EXPECT_EQ(session.expired_count(), 1u);
}

TEST(Session, WithoutHonouringExpiryEverythingGoesOutUnchanged) {
  Session session("c", {});
  session.enqueue(expiring(10, 0, "stale"));
  const auto sent = session.take_sendable(20 * kS, /*honour_expiry=*/false);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to_packet().message_expiry_s, 10u);
}

TEST(Session, SubscribeReplacesExistingFilterQos) {  // MQTT-3.8.4-3
  Session session("c", {});
  EXPECT_TRUE(session.subscribe("a/+", 1));
  EXPECT_FALSE(session.subscribe("a/+", 2));
  ASSERT_EQ(session.subscriptions().size(), 1u);
  EXPECT_EQ(session.subscriptions().at("a/+"), 2);
  EXPECT_TRUE(session.unsubscribe("a/+"));
  EXPECT_FALSE(session.unsubscribe("a/+"));
}

TEST(Session, PacketIdsAreNonZeroAndDistinctWhileInFlight) {  // MQTT-2.3.1-1, MQTT-2.3.1-2
  Session session("c", {.max_inflight = 100, .max_queued = 100});
  for (int i = 0; i < 100; ++i) session.enqueue(message("t", 1 + i % 2));
  const auto sent = session.take_sendable();
  ASSERT_EQ(sent.size(), 100u);
  std::set<std::uint16_t> ids;
  for (const Outgoing& out : sent) {
    EXPECT_NE(out.packet_id, 0);
    EXPECT_FALSE(out.dup);
    ids.insert(out.packet_id);
  }
  EXPECT_EQ(ids.size(), 100u);
}

TEST(Session, PacketIdIsNotReusedUntilAcknowledgedAcrossWrap) {  // MQTT-2.3.1-2, -4
  Session session("c", {.max_inflight = 2, .max_queued = 10});
  session.enqueue(message("t", 1));
  const std::uint16_t held = session.take_sendable().at(0).packet_id;
  // Cycle through the whole id space with a second flow while `held` stays unacknowledged.
  for (int i = 0; i < 70000; ++i) {
    session.enqueue(message("t", 1));
    const auto sent = session.take_sendable();
    ASSERT_EQ(sent.size(), 1u);
    ASSERT_NE(sent[0].packet_id, held);
    ASSERT_NE(sent[0].packet_id, 0);
    ASSERT_TRUE(session.on_puback(sent[0].packet_id));
  }
  EXPECT_TRUE(session.on_puback(held));
}

TEST(Session, InflightWindowQueuesExcess) {
  Session session("c", {.max_inflight = 2, .max_queued = 10});
  for (int i = 0; i < 5; ++i) session.enqueue(message("t" + std::to_string(i), 1));
  auto sent = session.take_sendable();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(session.inflight_count(), 2u);
  EXPECT_EQ(session.queued_count(), 3u);
  EXPECT_TRUE(session.take_sendable().empty());
  ASSERT_TRUE(session.on_puback(sent[0].packet_id));
  sent = session.take_sendable();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.topic, "t2");  // queue order is publish order (MQTT-4.6.0-6)
}

TEST(Session, Qos0PassesTheFullWindowInOrder) {
  Session session("c", {.max_inflight = 1, .max_queued = 10});
  session.enqueue(message("a", 1));
  session.enqueue(message("b", 0));
  auto sent = session.take_sendable();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].packet_id, 0);
  EXPECT_EQ(sent[1].message.topic, "b");
}

TEST(Session, QueueFullDropsAndCounts) {
  Session session("c", {.max_inflight = 1, .max_queued = 2});
  EXPECT_TRUE(session.enqueue(message("t", 1)));
  EXPECT_TRUE(session.enqueue(message("t", 1)));
  EXPECT_FALSE(session.enqueue(message("t", 1)));
  EXPECT_EQ(session.dropped_count(), 1u);
  EXPECT_EQ(session.queued_count(), 2u);
}

TEST(Session, Qos2FlowFreesIdOnlyAfterPubcomp) {  // MQTT-4.3.3-1
  Session session("c", {.max_inflight = 1, .max_queued = 10});
  session.enqueue(message("a", 2));
  session.enqueue(message("b", 2));
  const std::uint16_t id = session.take_sendable().at(0).packet_id;
  EXPECT_FALSE(session.on_puback(id));   // wrong flow
  EXPECT_FALSE(session.on_pubcomp(id));  // PUBREC first
  EXPECT_TRUE(session.on_pubrec(id));
  EXPECT_TRUE(session.take_sendable().empty());  // still in flight awaiting PUBCOMP
  EXPECT_TRUE(session.on_pubcomp(id));
  EXPECT_EQ(session.take_sendable().size(), 1u);
}

TEST(Session, ResendOnReconnectSetsDupAndKeepsIdsAndOrder) {  // MQTT-4.4.0-1, MQTT-3.3.1-1
  Session session("c", {.max_inflight = 10, .max_queued = 10});
  session.enqueue(message("one", 1));
  session.enqueue(message("two", 2));
  session.enqueue(message("three", 2));
  const auto sent = session.take_sendable();
  ASSERT_TRUE(session.on_pubrec(sent[2].packet_id));
  const auto again = session.resend_unacknowledged();
  ASSERT_EQ(again.size(), 3u);
  EXPECT_EQ(again[0].type, PacketType::publish);
  EXPECT_TRUE(again[0].dup);
  EXPECT_EQ(again[0].packet_id, sent[0].packet_id);
  EXPECT_EQ(again[0].message.topic, "one");
  EXPECT_EQ(again[1].packet_id, sent[1].packet_id);
  EXPECT_TRUE(again[1].dup);
  // After PUBREC only PUBREL is resent, never the PUBLISH (MQTT-4.3.3-1).
  EXPECT_EQ(again[2].type, PacketType::pubrel);
  EXPECT_EQ(again[2].packet_id, sent[2].packet_id);
  const Packet pubrel = again[2].to_packet();
  EXPECT_EQ(pubrel.type, PacketType::pubrel);
  EXPECT_TRUE(pubrel.topic.empty());
}

TEST(Session, Qos2IsDeliveredOnceDespiteDuplicatePublish) {  // MQTT-4.3.3-2
  Session session("c", {});
  EXPECT_TRUE(session.begin_incoming_qos2(7));
  EXPECT_FALSE(session.begin_incoming_qos2(7));  // DUP resend before PUBREL: not again
  EXPECT_TRUE(session.release_incoming_qos2(7));
  EXPECT_FALSE(session.release_incoming_qos2(7));
  EXPECT_TRUE(session.begin_incoming_qos2(7));  // after PUBREL the id is a new message
}

TEST(Session, ClearDiscardsAllState) {  // MQTT-3.1.2-6
  Session session("c", {.max_inflight = 1, .max_queued = 10});
  session.subscribe("a", 1);
  session.enqueue(message("a", 1));
  session.enqueue(message("a", 1));
  session.take_sendable();
  session.begin_incoming_qos2(3);
  session.clear();
  EXPECT_TRUE(session.subscriptions().empty());
  EXPECT_EQ(session.inflight_count(), 0u);
  EXPECT_EQ(session.queued_count(), 0u);
  EXPECT_EQ(session.incoming_qos2_count(), 0u);
  EXPECT_TRUE(session.resend_unacknowledged().empty());
}

TEST(Session, RejectsAnEmptyWindow) {
  EXPECT_THROW(Session("c", {.max_inflight = 0, .max_queued = 1}), std::invalid_argument);
}

TEST(SessionStore, SessionPresentIsFalseForNewPersistentSession) {  // MQTT-3.2.2-3
  SessionStore store;
  EXPECT_FALSE(store.attach("c", false, {}).session_present);
}

TEST(SessionStore, SessionPresentIsTrueForStoredPersistentSession) {  // MQTT-3.2.2-2
  SessionStore store;
  auto first = store.attach("c", false, {});
  first.session.subscribe("a", 1);
  auto second = store.attach("c", false, {});
  EXPECT_TRUE(second.session_present);
  EXPECT_EQ(second.key, first.key);
  EXPECT_EQ(second.session.subscriptions().count("a"), 1u);
}

TEST(SessionStore, SessionPresentIsFalseForCleanSession) {  // MQTT-3.2.2-1, MQTT-3.1.2-6
  SessionStore store;
  auto first = store.attach("c", false, {});
  first.session.subscribe("a", 1);
  const std::uint64_t old_key = first.key;
  auto clean = store.attach("c", true, {});
  EXPECT_FALSE(clean.session_present);
  EXPECT_NE(clean.key, old_key);
  EXPECT_TRUE(clean.session.subscriptions().empty());
  EXPECT_EQ(store.find(old_key), nullptr);
  EXPECT_EQ(store.size(), 1u);
}

TEST(SessionStore, FindsByClientIdAndKeyAndErases) {
  SessionStore store;
  const std::uint64_t key = store.attach("c", false, {}).key;
  EXPECT_EQ(store.key_of("c"), key);
  EXPECT_EQ(store.find("c"), store.find(key));
  EXPECT_TRUE(store.erase("c"));
  EXPECT_EQ(store.find("c"), nullptr);
  EXPECT_EQ(store.key_of("c"), 0u);
}

}  // namespace
}  // namespace mqttbed::mqtt
