#include "sim/probe/wire.h"

#include <stdexcept>

namespace mqttbed::probe {
namespace {

void put_u16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<char>(value >> 8));
  out.push_back(static_cast<char>(value & 0xFF));
}

void put_string(Bytes& out, std::string_view text) {
  put_u16(out, static_cast<std::uint16_t>(text.size()));
  out.append(text);
}

// Fixed header (type, flags, remaining length as a variable byte integer, §2.2.3) + body.
Bytes frame(int type, std::uint8_t flags, const Bytes& body) {
  Bytes out;
  out.push_back(static_cast<char>((type << 4) | (flags & 0x0F)));
  std::size_t length = body.size();
  do {
    auto digit = static_cast<std::uint8_t>(length % 128);
    length /= 128;
    if (length > 0) digit |= 0x80;
    out.push_back(static_cast<char>(digit));
  } while (length > 0);
  return out + body;
}

}  // namespace

const char* packet_name(int type) {
  static const char* const kNames[] = {"reserved",  "CONNECT",  "CONNACK",     "PUBLISH",
                                       "PUBACK",    "PUBREC",   "PUBREL",      "PUBCOMP",
                                       "SUBSCRIBE", "SUBACK",   "UNSUBSCRIBE", "UNSUBACK",
                                       "PINGREQ",   "PINGRESP", "DISCONNECT",  "reserved"};
  return type >= 0 && type < 16 ? kNames[type] : "?";
}

Bytes connect(const ConnectSpec& spec) {
  Bytes body;
  put_string(body, "MQTT");
  body.push_back(4);  // protocol level 3.1.1
  std::uint8_t flags = spec.reserved_flag & 1;
  if (spec.clean_session) flags |= 0x02;
  if (spec.will) flags |= 0x04;
  if (!spec.username.empty()) flags |= 0xC0;  // user name and password flags
  body.push_back(static_cast<char>(flags));
  put_u16(body, static_cast<std::uint16_t>(spec.keepalive_s));
  put_string(body, spec.client_id);
  if (spec.will) {
    put_string(body, spec.will->first);
    put_string(body, spec.will->second);
  }
  if (!spec.username.empty()) {
    put_string(body, spec.username);
    put_string(body, spec.password);
  }
  return frame(kConnect, 0, body);
}

Bytes subscribe(std::uint16_t id, const std::vector<std::pair<std::string, int>>& filters,
                std::uint8_t header_flags) {
  Bytes body;
  put_u16(body, id);
  for (const auto& [filter, qos] : filters) {
    put_string(body, filter);
    body.push_back(static_cast<char>(qos));
  }
  return frame(kSubscribe, header_flags, body);
}

Bytes publish(std::string_view topic, std::string_view payload, int qos, std::uint16_t id,
              bool retain) {
  Bytes body;
  put_string(body, topic);
  if (qos > 0) put_u16(body, id);
  body.append(payload);
  auto flags = static_cast<std::uint8_t>(((qos & 3) << 1) | (retain ? 1 : 0));
  return frame(kPublish, flags, body);
}

Bytes ack(PacketType type, std::uint16_t id) {
  Bytes body;
  put_u16(body, id);
  return frame(type, type == kPubrel ? 0x2 : 0, body);  // PUBREL's flags are 0b0010
}

Bytes pingreq() { return frame(kPingreq, 0, {}); }
Bytes disconnect() { return frame(kDisconnect, 0, {}); }

std::uint16_t Packet::id() const {
  if (body.size() < 2) return 0;
  return static_cast<std::uint16_t>((static_cast<std::uint8_t>(body[0]) << 8) |
                                    static_cast<std::uint8_t>(body[1]));
}

std::optional<Publish> parse_publish(const Packet& packet) {
  if (packet.type != kPublish || packet.body.size() < 2) return std::nullopt;
  Publish out;
  out.qos = (packet.flags >> 1) & 3;
  out.retain = (packet.flags & 1) != 0;
  out.dup = (packet.flags & 8) != 0;
  std::size_t length =
      (static_cast<std::uint8_t>(packet.body[0]) << 8) | static_cast<std::uint8_t>(packet.body[1]);
  std::size_t at = 2 + length;
  if (packet.body.size() < at + (out.qos > 0 ? 2 : 0)) return std::nullopt;
  out.topic = packet.body.substr(2, length);
  if (out.qos > 0) {
    out.id = static_cast<std::uint16_t>((static_cast<std::uint8_t>(packet.body[at]) << 8) |
                                        static_cast<std::uint8_t>(packet.body[at + 1]));
    at += 2;
  }
  out.payload = packet.body.substr(at);
  return out;
}

std::optional<Packet> PacketReader::next() {
  if (buffer_.size() < 2) return std::nullopt;
  std::size_t remaining = 0;
  std::size_t index = 1;
  for (int shift = 0;; shift += 7, ++index) {
    if (shift > 21) throw std::runtime_error("malformed remaining length (more than 4 bytes)");
    if (index >= buffer_.size()) return std::nullopt;
    auto byte = static_cast<std::uint8_t>(buffer_[index]);
    remaining |= static_cast<std::size_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) break;
  }
  std::size_t total = index + 1 + remaining;
  if (buffer_.size() < total) return std::nullopt;
  Packet packet;
  packet.type = static_cast<std::uint8_t>(buffer_[0]) >> 4;
  packet.flags = static_cast<std::uint8_t>(buffer_[0]) & 0x0F;
  packet.body = buffer_.substr(index + 1, remaining);
  buffer_.erase(0, total);
  return packet;
}

}  // namespace mqttbed::probe
