// MQTT control packets as plain values (no encoding): what the simulated client and the
// broker model exchange. wire_size() in packet_size.h gives the bytes each takes encoded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/mqtt/properties.h"

namespace mqttbed::mqtt {

enum class Version : std::uint8_t { v311 = 4, v5 = 5 };

enum class PacketType : std::uint8_t {
  connect = 1,
  connack,
  publish,
  puback,
  pubrec,
  pubrel,
  pubcomp,
  subscribe,
  suback,
  unsubscribe,
  unsuback,
  pingreq,
  pingresp,
  disconnect,
};

struct Will {
  std::string topic;
  std::string payload;
  std::uint8_t qos = 0;
  bool retain = false;
  std::uint32_t delay_interval_s = 0;  // v5 Will Delay Interval
};

struct SubscribeRequest {
  std::string filter;
  std::uint8_t qos = 0;
  // v5 Subscription Options (§3.8.3.1); a 3.1.1 SUBSCRIBE has none (all false / 0).
  bool no_local = false;             // not sent what this client id publishes (MQTT-3.8.3-3)
  bool retain_as_published = false;  // forwards keep the PUBLISH's RETAIN (MQTT-3.3.1-13)
  std::uint8_t retain_handling = 0;  // 0 replay retained, 1 only if new, 2 never (§3.8.3.1)
};

struct Packet {
  PacketType type = PacketType::pingreq;
  std::uint16_t packet_id = 0;  // PUBLISH QoS>0, PUBACK..PUBCOMP, (UN)SUBSCRIBE, (UN)SUBACK

  // CONNECT
  std::string client_id;
  bool clean_session = true;  // v5: clean start
  std::uint16_t keepalive_s = 0;
  std::optional<Will> will;
  std::string username;
  std::string password;                // the talk's apps: their JWT
  std::string client_certificate;      // the TLS client certificate, by reference (simulation)
  std::uint32_t session_expiry_s = 0;  // v5

  // CONNACK
  bool session_present = false;
  std::uint8_t return_code = 0;  // v3.1.1 return code / v5 reason code (also acks, DISCONNECT)
  std::string reason_string;     // v5 Reason String property (acks, DISCONNECT); empty = none

  // PUBLISH
  std::string topic;
  std::string payload;
  std::uint8_t qos = 0;
  bool retain = false;
  bool dup = false;
  std::uint32_t message_expiry_s = 0;  // v5 Message Expiry Interval property; 0 = none
  // v5 Subscription Identifiers of the matching subscriptions (§3.3.2.3.8), server to client.
  std::vector<std::uint32_t> subscription_ids{};
  ApplicationProperties properties;  // v5 Response Topic, Correlation Data, User Properties

  // SUBSCRIBE / UNSUBSCRIBE (filters), SUBACK (granted, 0x80 = failure), v5 UNSUBACK
  // (one reason code per filter, in `granted`)
  std::vector<SubscribeRequest> subscriptions;
  std::vector<std::string> unsubscribe_filters;
  std::vector<std::uint8_t> granted;
  std::uint32_t subscription_id = 0;  // v5 SUBSCRIBE Subscription Identifier (§3.8.2.1.2); 0 = none

  // v5 Receive Maximum (§3.1.2.11.3 CONNECT, §3.2.2.3.3 CONNACK); 0 = absent, i.e. 65535.
  std::uint16_t receive_maximum = 0;
};

const char* to_string(PacketType type);

}  // namespace mqttbed::mqtt
