// Byte counts of the MQTT encodings, field by field, following the spec's packet figures.
#include "sim/mqtt/packet_size.h"

#include <stdexcept>
#include <string>
#include <string_view>

namespace mqttbed::mqtt {
namespace {

constexpr std::size_t kMaxStringBytes = 65535;
constexpr std::size_t kPacketIdBytes = 2;
// A v5 property: one identifier byte (a varint below 128) and a Four Byte Integer.
constexpr std::size_t kFourByteProperty = 1 + 4;
constexpr std::size_t kTwoByteProperty = 1 + 2;

// A Subscription Identifier property: identifier byte, then the id as a Variable Byte Integer.
std::size_t subscription_id_property(std::uint32_t id) { return 1 + remaining_length_bytes(id); }

// A UTF-8 string or binary data field: two length bytes then the bytes (§1.5.3, v5 §1.5.6).
std::size_t length_prefixed(std::string_view field, const char* what) {
  if (field.size() > kMaxStringBytes) {
    throw std::length_error(std::string(what) + " of " + std::to_string(field.size()) +
                            " bytes exceeds the 65535-byte field limit (MQTT-1.5.3)");
  }
  return 2 + field.size();
}

// A v5 property block: its length as a Variable Byte Integer, then the properties.
std::size_t properties(Version version, std::size_t properties_bytes) {
  if (version != Version::v5) return 0;
  return remaining_length_bytes(properties_bytes) + properties_bytes;
}

// The Reason String property (v5 §3.4.2.2.2 and alike): identifier, then a UTF-8 string.
std::size_t reason_property(const Packet& p) {
  return p.reason_string.empty() ? 0 : 1 + length_prefixed(p.reason_string, "reason string");
}

std::size_t connect_size(const Packet& p, Version version) {
  // §3.1.2: protocol name "MQTT" (2 + 4), protocol level, connect flags, keep alive.
  std::size_t size = 6 + 1 + 1 + 2;
  size += properties(version, (p.session_expiry_s > 0 ? kFourByteProperty : 0) +
                                  (p.receive_maximum > 0 ? kTwoByteProperty : 0));
  // §3.1.3 payload order: client id, [will properties], will topic, will payload, user, pw.
  size += length_prefixed(p.client_id, "client id");
  if (p.will) {
    size += properties(version, p.will->delay_interval_s > 0 ? kFourByteProperty : 0);
    size += length_prefixed(p.will->topic, "will topic");
    size += length_prefixed(p.will->payload, "will payload");
  }
  if (!p.username.empty()) size += length_prefixed(p.username, "user name");
  if (!p.password.empty()) size += length_prefixed(p.password, "password");
  return size;
}

std::size_t publish_size(const Packet& p, Version version) {
  // §3.3.2: topic name, packet id only for QoS 1 and 2 (MQTT-2.3.1-5), v5 properties.
  std::size_t size = length_prefixed(p.topic, "topic name");
  if (p.qos > 0) size += kPacketIdBytes;
  std::size_t props = p.message_expiry_s > 0 ? kFourByteProperty : 0;
  for (std::uint32_t id : p.subscription_ids) props += subscription_id_property(id);
  if (version == Version::v5) props += wire_size(p.properties);
  size += properties(version, props);
  return size + p.payload.size();  // §3.3.3: the payload has no length prefix
}

// PUBACK, PUBREC, PUBREL, PUBCOMP: packet id; v5 adds a reason code unless it is Success,
// and omits the property length when there are no properties (v5 §3.4.2.1).
std::size_t ack_size(const Packet& p, Version version) {
  if (version != Version::v5) return kPacketIdBytes;
  if (!p.reason_string.empty()) return kPacketIdBytes + 1 + properties(version, reason_property(p));
  if (p.return_code != 0) return kPacketIdBytes + 1;
  return kPacketIdBytes;
}

std::size_t subscribe_size(const Packet& p, Version version) {
  std::size_t size =
      kPacketIdBytes +
      properties(version, p.subscription_id > 0 ? subscription_id_property(p.subscription_id) : 0);
  for (const SubscribeRequest& s : p.subscriptions) {
    size += length_prefixed(s.filter, "topic filter") + 1;  // §3.8.3: + options byte
  }
  return size;
}

std::size_t unsubscribe_size(const Packet& p, Version version) {
  std::size_t size = kPacketIdBytes + properties(version, 0);
  for (const std::string& filter : p.unsubscribe_filters) {
    size += length_prefixed(filter, "topic filter");
  }
  return size;
}

std::size_t unsuback_size(const Packet& p, Version version) {
  // 3.1.1 §3.11: packet id only. v5 §3.11.3: one reason code per filter.
  if (version != Version::v5) return kPacketIdBytes;
  const std::size_t codes = p.granted.empty() ? p.unsubscribe_filters.size() : p.granted.size();
  return kPacketIdBytes + properties(version, reason_property(p)) + codes;
}

std::size_t disconnect_size(const Packet& p, Version version) {
  // v5 §3.14.2.1: reason code omitted when 0, property length omitted when there are none.
  if (version != Version::v5) return 0;
  if (!p.reason_string.empty()) return 1 + properties(version, reason_property(p));
  return p.return_code != 0 ? 1 : 0;
}

}  // namespace

std::size_t remaining_length_bytes(std::size_t value) {
  if (value > kMaxRemainingLength) {
    throw std::length_error("remaining length " + std::to_string(value) +
                            " exceeds 268435455, the 4-byte varint maximum (MQTT 2.2.3)");
  }
  std::size_t bytes = 1;
  for (std::size_t limit = 128; value >= limit; limit *= 128) ++bytes;
  return bytes;
}

std::size_t remaining_length(const Packet& packet, Version version) {
  switch (packet.type) {
    case PacketType::connect:
      return connect_size(packet, version);
    case PacketType::connack:
      // §3.2.2: acknowledge flags and return (reason) code; v5 adds the property length.
      return 2 + properties(version, reason_property(packet) +
                                         (packet.receive_maximum > 0 ? kTwoByteProperty : 0));
    case PacketType::publish:
      return publish_size(packet, version);
    case PacketType::puback:
    case PacketType::pubrec:
    case PacketType::pubrel:
    case PacketType::pubcomp:
      return ack_size(packet, version);
    case PacketType::subscribe:
      return subscribe_size(packet, version);
    case PacketType::suback:
      // §3.9: packet id, [v5 properties], one return code per subscription.
      return kPacketIdBytes + properties(version, reason_property(packet)) + packet.granted.size();
    case PacketType::unsubscribe:
      return unsubscribe_size(packet, version);
    case PacketType::unsuback:
      return unsuback_size(packet, version);
    case PacketType::pingreq:
    case PacketType::pingresp:
      return 0;
    case PacketType::disconnect:
      return disconnect_size(packet, version);
  }
  throw std::invalid_argument("remaining_length: unknown packet type " +
                              std::to_string(static_cast<int>(packet.type)));
}

std::size_t wire_size(const Packet& packet, Version version) {
  const std::size_t rest = remaining_length(packet, version);
  return 1 + remaining_length_bytes(rest) + rest;
}

}  // namespace mqttbed::mqtt
