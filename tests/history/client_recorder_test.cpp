// ClientRecorder: each client step becomes one event, with identities and app fields.
#include "sim/history/client_recorder.h"

#include <gtest/gtest.h>

#include <vector>

#include "sim/history/envelope.h"

namespace mqttbed::history {
namespace {

class ClientRecorderTest : public ::testing::Test {
 protected:
  ClientRecorderTest() {
    history.add_observer([this](const Event& event) { events.push_back(event); });
  }
  History history;
  std::int64_t clock_ns = 0;
  std::vector<Event> events;
  std::function<std::int64_t()> now = [this] { return clock_ns; };
};

TEST_F(ClientRecorderTest, PublishAssignsIncreasingSeqsThatSurviveANewRecorder) {
  ClientRecorder first(history, "dev", now);
  EXPECT_EQ(first.publish_sent("t", 1, false, "a").seq, 1u);
  EXPECT_EQ(first.publish_sent("t", 0, false, "b").seq, 2u);
  ClientRecorder rebooted(history, "dev", now);
  EXPECT_EQ(rebooted.publish_sent("t", 0, false, "c").seq, 3u);
}

TEST_F(ClientRecorderTest, PublishedPayloadCarriesIdentityAndDeliveryStripsIt) {
  ClientRecorder pub(history, "pub", now);
  ClientRecorder sub(history, "sub", now);
  clock_ns = 5;
  auto sent = pub.publish_sent("a/b", 1, true, "hello");
  clock_ns = 9;
  EXPECT_EQ(sub.delivered("a/b", 1, false, true, sent.payload), "hello");
  ASSERT_EQ(events.size(), 2u);
  const Event& delivered = events[1];
  EXPECT_EQ(delivered.type, EventType::delivered);
  EXPECT_EQ(delivered.time_ns, 9);
  EXPECT_EQ(history.client_name(delivered.client), "sub");
  EXPECT_EQ(delivered.msg, events[0].msg);
  EXPECT_EQ(history.client_name(delivered.msg.publisher), "pub");
  EXPECT_TRUE(delivered.dup);
  EXPECT_EQ(delivered.bytes, 5u);
  EXPECT_EQ(history.string(delivered.topic), "a/b");
}

// Only a zero-length payload clears a retained message (MQTT-3.3.1-10): no envelope on it.
TEST_F(ClientRecorderTest, EmptyRetainedPayloadTravelsBareButKeepsItsIdentity) {
  ClientRecorder pub(history, "pub", now);
  auto clear = pub.publish_sent("a/b", 1, /*retain=*/true, "");
  EXPECT_TRUE(clear.payload.empty());
  EXPECT_EQ(clear.seq, 1u);
  EXPECT_FALSE(pub.publish_sent("a/b", 1, /*retain=*/false, "").payload.empty());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].msg.seq, 1u);
  EXPECT_EQ(events[0].bytes, 0u);
}

TEST_F(ClientRecorderTest, UnsubackIsRecordedWithItsFilter) {
  ClientRecorder sub(history, "sub", now);
  sub.unsubscribe_sent("a/#");
  sub.unsuback("a/#");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].type, EventType::unsuback);
  EXPECT_EQ(history.string(events[1].topic), "a/#");
  EXPECT_STREQ(to_string(EventType::unsuback), "unsuback");
}

TEST_F(ClientRecorderTest, ForeignPayloadIsDeliveredAsIsWithUnknownIdentity) {
  ClientRecorder sub(history, "sub", now);
  EXPECT_EQ(sub.delivered("x", 0, false, false, "raw"), "raw");
  EXPECT_EQ(events.back().msg.seq, 0u);
}

TEST_F(ClientRecorderTest, WillGetsAnIdentityAndIsMarkedOnDelivery) {
  ClientRecorder dev(history, "dev", now);
  ClientRecorder app(history, "app", now);
  const std::string will = dev.connect_sent(false, "status/dev", 1, true, "offline");
  const Event connect = events.back();
  EXPECT_TRUE(connect.is_will);
  EXPECT_EQ(history.string(connect.topic), "status/dev");
  EXPECT_EQ(connect.qos, 1);
  EXPECT_TRUE(connect.retain);
  EXPECT_EQ(history.string(connect.detail), "persistent");
  EXPECT_EQ(app.delivered("status/dev", 1, false, false, will), "offline");
  EXPECT_TRUE(events.back().is_will);
  EXPECT_EQ(events.back().msg, connect.msg);
  EXPECT_EQ(dev.publish_sent("t", 0, false, "x").seq, connect.msg.seq + 1);
}

TEST_F(ClientRecorderTest, AckCarriesTheTopicOfItsPublish) {
  ClientRecorder dev(history, "dev", now);
  auto sent = dev.publish_sent("a", 2, false, "x");
  dev.pubrec(sent.seq);
  dev.publish_acked(sent.seq);
  EXPECT_EQ(events[1].type, EventType::pubrec);
  EXPECT_EQ(events[2].type, EventType::publish_acked);
  EXPECT_EQ(history.string(events[2].topic), "a");
  EXPECT_EQ(events[2].qos, 2);
  EXPECT_EQ(events[2].msg.seq, sent.seq);
}

// MQTT 5 answers: the reason code in `code`, the Reason String (when sent) in `detail`.
TEST_F(ClientRecorderTest, ReasonCodesAndStringsAreRecorded) {
  ClientRecorder dev(history, "dev", now);
  dev.set_protocol_level(5);
  dev.connect_sent(true);
  dev.connack(false, 0x87, "no");
  dev.suback("f", 0x87, "denied");
  dev.unsuback("f", 0x11);
  auto sent = dev.publish_sent("a", 1, false, "x");
  dev.publish_acked(sent.seq, 0x10, "nobody");
  dev.connection_lost("broker_closed", 0x8E, "takeover");
  ASSERT_EQ(events.size(), 7u);
  EXPECT_EQ(events[0].code, 5);  // the protocol level
  EXPECT_EQ(events[1].code, 0x87);
  EXPECT_EQ(history.string(events[1].detail), "no");
  EXPECT_EQ(events[2].code, 0x87);
  EXPECT_EQ(events[2].qos, 0x87);
  EXPECT_EQ(history.string(events[2].detail), "denied");
  EXPECT_EQ(events[3].type, EventType::unsuback);
  EXPECT_EQ(events[3].code, 0x11);
  EXPECT_EQ(events[3].detail, 0u);
  EXPECT_EQ(events[5].code, 0x10);
  EXPECT_EQ(history.string(events[5].detail), "nobody");
  EXPECT_EQ(events[6].code, 0x8E);
  EXPECT_EQ(history.string(events[6].detail), "broker_closed: takeover");
}

TEST_F(ClientRecorderTest, ExtractsSeqAndTotalFromJsonTelemetry) {
  ClientRecorder dev(history, "dev", now);
  dev.publish_sent("t", 0, false, R"({"temp":21.5,"seq":7,"total":100})");
  EXPECT_EQ(events.back().app_seq, 7u);
  EXPECT_EQ(events.back().app_total, 100u);
  dev.publish_sent("t", 0, false, R"({"seq":"7","total":100})");
  EXPECT_EQ(events.back().app_total, 0u);
  dev.publish_sent("t", 0, false, R"({"nested":{"seq":1,"total":2}})");
  EXPECT_EQ(events.back().app_total, 0u);
  dev.publish_sent("t", 0, false, "{not json \"total\"");
  EXPECT_EQ(events.back().app_total, 0u);
}

TEST_F(ClientRecorderTest, KeepsShadowJsonInDetail) {
  ClientRecorder dev(history, "dev", now);
  const std::string doc = R"({"state":{"reported":{"on":true}}})";
  dev.publish_sent("$aws/things/acct1-light/shadow/update", 1, false, doc);
  EXPECT_EQ(history.string(events.back().detail), doc);
  dev.publish_sent("home/light", 1, false, doc);
  EXPECT_EQ(events.back().detail, 0u);
}

TEST_F(ClientRecorderTest, ConnectionStepsBecomeEvents) {
  ClientRecorder dev(history, "dev", now);
  dev.connect_sent(true);
  dev.connack(false, 0);
  dev.subscribe_sent("a/#", 2);
  dev.suback("a/#", 1);
  dev.unsubscribe_sent("a/#");
  dev.connection_lost("keepalive");
  dev.connect_failed(5);
  dev.disconnect_sent();
  dev.fault("*", "partition begins");
  std::vector<EventType> types;
  for (const Event& e : events) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<EventType>{
                       EventType::connect_sent, EventType::connack, EventType::subscribe_sent,
                       EventType::suback, EventType::unsubscribe_sent, EventType::connection_lost,
                       EventType::connect_failed, EventType::disconnect_sent, EventType::fault}));
  EXPECT_EQ(events[3].qos, 1);
  EXPECT_EQ(history.string(events[5].detail), "keepalive");
  EXPECT_EQ(events[6].code, 5);
  EXPECT_EQ(history.client_name(events[8].client), "*");
}

}  // namespace
}  // namespace mqttbed::history

namespace mqttbed::history {
namespace {

TEST(ConnectMode, DetailSaysCleanAndMqtt5Expiry) {
  History history;
  std::vector<Event> events;
  history.add_observer([&](const Event& e) { events.push_back(e); });
  ClientRecorder dev(history, "dev", [] { return std::int64_t{0}; });
  dev.connect_sent(false);
  dev.connect_sent(true, 0u);
  dev.connect_sent(false, 3600u);
  const ConnectMode v311 = connect_mode(history.string(events[0].detail));
  const ConnectMode clean_v5 = connect_mode(history.string(events[1].detail));
  const ConnectMode kept_v5 = connect_mode(history.string(events[2].detail));
  EXPECT_FALSE(v311.clean);
  EXPECT_FALSE(v311.ends_with_connection());
  EXPECT_TRUE(clean_v5.clean);
  EXPECT_TRUE(clean_v5.ends_with_connection());
  EXPECT_EQ(kept_v5.session_expiry_s, 3600u);
  EXPECT_FALSE(kept_v5.ends_with_connection());
  EXPECT_TRUE(connect_mode("clean").ends_with_connection());
}

TEST(ClientRecorder, ConnectRecordsItsKeepalive) {
  History history;
  std::vector<Event> events;
  history.add_observer([&](const Event& e) { events.push_back(e); });
  ClientRecorder dev(history, "dev", [] { return std::int64_t{0}; });
  dev.connect_sent(true, {}, 300);
  dev.connect_sent(false, "status/dev", 1, false, "offline", {}, 0);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].keepalive_s, 300);
  EXPECT_EQ(events[1].keepalive_s, 0);
}

}  // namespace
}  // namespace mqttbed::history
