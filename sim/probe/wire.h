// MQTT 3.1.1 packets as bytes, for conformance probes: the packets a well-behaved client
// library never sends (Paho cannot be made to), and a reader that splits a byte stream into
// packets. Encodings per MQTT 3.1.1 §2 and §3; the malformations are the probes' business.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mqttbed::probe {

using Bytes = std::string;  // raw bytes

enum PacketType : int {
  kConnect = 1,
  kConnack = 2,
  kPublish = 3,
  kPuback = 4,
  kPubrec = 5,
  kPubrel = 6,
  kPubcomp = 7,
  kSubscribe = 8,
  kSuback = 9,
  kUnsubscribe = 10,
  kUnsuback = 11,
  kPingreq = 12,
  kPingresp = 13,
  kDisconnect = 14,
};
const char* packet_name(int type);

struct ConnectSpec {
  std::string client_id;
  bool clean_session = true;
  int keepalive_s = 60;
  std::optional<std::pair<std::string, std::string>> will;  // topic, payload (QoS 0)
  std::uint8_t reserved_flag = 0;  // bit 0 of the connect flags; must be 0 (MQTT-3.1.2-3)
  std::string username, password;  // sent when username is not empty
};

Bytes connect(const ConnectSpec& spec);
// `header_flags` must be 0b0010 (MQTT-3.8.1-1); probes send others.
Bytes subscribe(std::uint16_t id, const std::vector<std::pair<std::string, int>>& filters,
                std::uint8_t header_flags = 0x2);
// `qos` 3 is the malformed "both QoS bits set" (MQTT-3.3.1-4). `topic` is sent as given.
Bytes publish(std::string_view topic, std::string_view payload, int qos, std::uint16_t id = 0,
              bool retain = false);
Bytes ack(PacketType type, std::uint16_t id);  // PUBACK, PUBREC, PUBREL, PUBCOMP
Bytes pingreq();
Bytes disconnect();

// One packet as read: the fixed header's type and flags, and the rest.
struct Packet {
  int type = 0;
  std::uint8_t flags = 0;
  Bytes body;

  std::uint16_t id() const;  // the packet identifier at the start of the body (acks, SUBACK)
};

// A PUBLISH's fields (MQTT 3.1.1 §3.3).
struct Publish {
  std::string topic;
  int qos = 0;
  bool retain = false;
  bool dup = false;
  std::uint16_t id = 0;
  Bytes payload;
};
std::optional<Publish> parse_publish(const Packet& packet);

// Splits a byte stream into packets; a remaining length over four bytes is malformed.
class PacketReader {
 public:
  void feed(std::string_view bytes) { buffer_.append(bytes); }
  // The next complete packet; nullopt when more bytes are needed. Throws std::runtime_error
  // on a malformed remaining length.
  std::optional<Packet> next();

 private:
  Bytes buffer_;
};

}  // namespace mqttbed::probe
