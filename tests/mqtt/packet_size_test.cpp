// wire_size(): byte counts checked against hand-encoded packets from the spec's figures.
#include "sim/mqtt/packet_size.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace mqttbed::mqtt {
namespace {

Packet of(PacketType type) {
  Packet p;
  p.type = type;
  return p;
}

Packet publish(std::string topic, std::string payload, std::uint8_t qos) {
  Packet p = of(PacketType::publish);
  p.topic = std::move(topic);
  p.payload = std::move(payload);
  p.qos = qos;
  p.packet_id = qos > 0 ? 10 : 0;
  return p;
}

// ---- Remaining Length (§2.2.3 Table 2.4, v5 §1.5.5 Table 1-1) -----------------------------

TEST(RemainingLength, VarintByteCountsAtTheTableBoundaries_2_2_3) {
  EXPECT_EQ(remaining_length_bytes(0), 1u);
  EXPECT_EQ(remaining_length_bytes(127), 1u);
  EXPECT_EQ(remaining_length_bytes(128), 2u);
  EXPECT_EQ(remaining_length_bytes(16'383), 2u);
  EXPECT_EQ(remaining_length_bytes(16'384), 3u);
  EXPECT_EQ(remaining_length_bytes(2'097'151), 3u);
  EXPECT_EQ(remaining_length_bytes(2'097'152), 4u);
  EXPECT_EQ(remaining_length_bytes(268'435'455), 4u);
}

TEST(RemainingLength, ValuesAboveFourVarintBytesAreRejected_2_2_3) {
  EXPECT_THROW(remaining_length_bytes(268'435'456), std::length_error);
}

TEST(RemainingLength, PublishCrossingTheOneByteBoundaryGrowsTheFixedHeader_2_2_3) {
  // Topic "a/b" (2+3) + payload: remaining 127 fits one varint byte, 128 needs two.
  EXPECT_EQ(wire_size(publish("a/b", std::string(122, 'x'), 0), Version::v311), 1u + 1 + 127);
  EXPECT_EQ(wire_size(publish("a/b", std::string(123, 'x'), 0), Version::v311), 1u + 2 + 128);
  EXPECT_EQ(wire_size(publish("a/b", std::string(16'379, 'x'), 0), Version::v311), 1u + 3 + 16'384);
}

// ---- Fixed-size packets ------------------------------------------------------------------

TEST(WireSize, PingAndDisconnectAreTwoBytes_3_12_3_13_3_14) {
  for (Version v : {Version::v311, Version::v5}) {
    EXPECT_EQ(wire_size(of(PacketType::pingreq), v), 2u);
    EXPECT_EQ(wire_size(of(PacketType::pingresp), v), 2u);
    EXPECT_EQ(wire_size(of(PacketType::disconnect), v), 2u);  // v5: short form, reason 0
  }
}

TEST(WireSize, V5DisconnectWithReasonCodeAddsOneByte_5_3_14_2_1) {
  Packet p = of(PacketType::disconnect);
  p.return_code = 0x04;  // Disconnect with Will Message
  EXPECT_EQ(wire_size(p, Version::v5), 3u);
  EXPECT_EQ(wire_size(p, Version::v311), 2u);
}

TEST(WireSize, ConnackIsFourBytesAndFiveInV5_3_2) {
  EXPECT_EQ(wire_size(of(PacketType::connack), Version::v311), 4u);
  // v5: flags, reason code, property length 0.
  EXPECT_EQ(wire_size(of(PacketType::connack), Version::v5), 5u);
}

TEST(WireSize, PublishAcksAreFourBytes_3_4_to_3_7) {
  for (PacketType t :
       {PacketType::puback, PacketType::pubrec, PacketType::pubrel, PacketType::pubcomp}) {
    Packet p = of(t);
    p.packet_id = 1;
    EXPECT_EQ(wire_size(p, Version::v311), 4u) << to_string(t);
    EXPECT_EQ(wire_size(p, Version::v5), 4u) << to_string(t);  // v5 §3.4.2.1 short form
    p.return_code = 0x10;  // v5 "No matching subscribers": reason code, no property length
    EXPECT_EQ(wire_size(p, Version::v5), 5u) << to_string(t);
  }
}

// ---- PUBLISH (§3.3, Figure 3.11) -----------------------------------------------------------

TEST(WireSize, QoS0PublishHasNoPacketIdentifier_MQTT_2_3_1_5) {
  // Fixed header 2 + topic "a/b" 2+3 + payload 5.
  EXPECT_EQ(wire_size(publish("a/b", "hello", 0), Version::v311), 12u);
}

TEST(WireSize, QoS1And2PublishCarryAPacketIdentifier_3_3_2_2) {
  EXPECT_EQ(wire_size(publish("a/b", "hello", 1), Version::v311), 14u);
  EXPECT_EQ(wire_size(publish("a/b", "hello", 2), Version::v311), 14u);
}

TEST(WireSize, V5PublishAddsThePropertyLength_5_3_3_2_3) {
  EXPECT_EQ(wire_size(publish("a/b", "hello", 0), Version::v5), 13u);
  EXPECT_EQ(wire_size(publish("a/b", "hello", 1), Version::v5), 15u);
}

TEST(WireSize, EmptyPayloadPublishIsAllowed_3_3_3) {
  EXPECT_EQ(wire_size(publish("a/b", "", 0), Version::v311), 7u);
}

TEST(WireSize, TopicOver65535BytesIsRejected_MQTT_1_5_3) {
  EXPECT_THROW(wire_size(publish(std::string(65'536, 'a'), "", 0), Version::v311),
               std::length_error);
  EXPECT_EQ(wire_size(publish(std::string(65'535, 'a'), "", 0), Version::v311),
            1u + 3 + 2 + 65'535);
}

// ---- CONNECT (§3.1, Figure 3.6) ------------------------------------------------------------

TEST(WireSize, MinimalConnectIsVariableHeaderPlusClientId_3_1_2) {
  Packet p = of(PacketType::connect);
  p.client_id = "abc";
  // Variable header: "MQTT" 2+4, level 1, flags 1, keep alive 2 = 10; client id 2+3.
  EXPECT_EQ(wire_size(p, Version::v311), 2u + 10 + 5);
  EXPECT_EQ(wire_size(p, Version::v5), 2u + 10 + 1 + 5);  // + property length 0
}

TEST(WireSize, ConnectPayloadFieldsFollowTheirFlags_3_1_3) {
  Packet p = of(PacketType::connect);
  p.client_id = "abc";
  p.will = Will{"w", "bye", 1, true, 0};
  p.username = "u";
  p.password = "pw";
  // 10 + id 5 + will topic 3 + will payload 5 + user 3 + password 4 = 30.
  EXPECT_EQ(wire_size(p, Version::v311), 32u);
  // v5: + connect property length 1 + will property length 1.
  EXPECT_EQ(wire_size(p, Version::v5), 34u);
}

TEST(WireSize, EmptyClientIdStillTakesItsLengthPrefix_MQTT_3_1_3_6) {
  Packet p = of(PacketType::connect);
  EXPECT_EQ(wire_size(p, Version::v311), 2u + 10 + 2);
}

TEST(WireSize, V5SessionExpiryAndWillDelayAreFiveByteProperties_5_3_1_2_11) {
  Packet p = of(PacketType::connect);
  p.client_id = "abc";
  p.session_expiry_s = 3600;
  EXPECT_EQ(wire_size(p, Version::v5), 2u + 10 + 1 + 5 + 5);
  EXPECT_EQ(wire_size(p, Version::v311), 2u + 10 + 5);  // 3.1.1 has no properties
  p.will = Will{"w", "", 0, false, 30};
  // Will properties: length 1 + Will Delay Interval 5; will topic 3; empty will payload 2.
  EXPECT_EQ(wire_size(p, Version::v5), 2u + 10 + 1 + 5 + 5 + 1 + 5 + 3 + 2);
}

// ---- SUBSCRIBE / SUBACK / UNSUBSCRIBE / UNSUBACK (§3.8 - §3.11) -----------------------------

TEST(WireSize, SubscribeCountsEachFilterAndItsOptionsByte_3_8_Figure_3_22) {
  Packet p = of(PacketType::subscribe);
  p.packet_id = 10;
  p.subscriptions = {{"a/b", 1}, {"c/d", 2}};
  // Packet id 2 + ("a/b" 5 + 1) + ("c/d" 5 + 1) = 14.
  EXPECT_EQ(wire_size(p, Version::v311), 16u);
  EXPECT_EQ(wire_size(p, Version::v5), 17u);
}

TEST(WireSize, SubackCarriesOneReturnCodePerSubscription_3_9_Figure_3_26) {
  Packet p = of(PacketType::suback);
  p.packet_id = 10;
  p.granted = {0x00, 0x01, 0x02, 0x80};
  EXPECT_EQ(wire_size(p, Version::v311), 8u);
  EXPECT_EQ(wire_size(p, Version::v5), 9u);
}

TEST(WireSize, UnsubscribeCountsEachFilter_3_10_Figure_3_30) {
  Packet p = of(PacketType::unsubscribe);
  p.packet_id = 10;
  p.unsubscribe_filters = {"a/b", "c/d"};
  EXPECT_EQ(wire_size(p, Version::v311), 14u);
  EXPECT_EQ(wire_size(p, Version::v5), 15u);
}

TEST(WireSize, UnsubackIsFourBytesAndCarriesReasonCodesInV5_3_11) {
  Packet p = of(PacketType::unsuback);
  p.packet_id = 10;
  EXPECT_EQ(wire_size(p, Version::v311), 4u);
  p.unsubscribe_filters = {"a/b", "c/d"};
  EXPECT_EQ(wire_size(p, Version::v5), 2u + 2 + 1 + 2);
  p.granted = {0x00};
  EXPECT_EQ(wire_size(p, Version::v5), 2u + 2 + 1 + 1);
}

TEST(WireSize, EveryPacketTypeHasASize) {
  for (int t = static_cast<int>(PacketType::connect); t <= static_cast<int>(PacketType::disconnect);
       ++t) {
    const Packet p = of(static_cast<PacketType>(t));
    for (Version v : {Version::v311, Version::v5}) {
      EXPECT_GE(wire_size(p, v), 2u) << to_string(p.type);
      EXPECT_EQ(wire_size(p, v),
                1 + remaining_length_bytes(remaining_length(p, v)) + remaining_length(p, v));
    }
  }
}

// ---- Packet names -------------------------------------------------------------------------

TEST(PacketType, NamesAreTheSpecNames_2_2_1) {
  EXPECT_STREQ(to_string(PacketType::connect), "CONNECT");
  EXPECT_STREQ(to_string(PacketType::pubrel), "PUBREL");
  EXPECT_STREQ(to_string(PacketType::disconnect), "DISCONNECT");
}

}  // namespace
}  // namespace mqttbed::mqtt
