// An application message as the broker holds it (queued, in flight, retained): the parts of a
// PUBLISH that survive from publisher to subscriber, without per-hop packet fields.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/mqtt/properties.h"

namespace mqttbed::mqtt {

struct Message {
  std::string topic;
  std::string payload;
  std::uint8_t qos = 0;
  bool retain = false;
  // MQTT 5 Message Expiry Interval as the server received it (0 = none), and when it did:
  // the server drops the message once it has waited that long (MQTT-3.3.2-5) and forwards
  // the rest of the interval (MQTT-3.3.2-6).
  std::uint32_t expiry_s = 0;
  std::int64_t received_ns = 0;
  // MQTT 5: the Subscription Identifiers this copy is sent with (MQTT-3.3.4-3, -4); set per
  // subscriber when routed.
  std::vector<std::uint32_t> subscription_ids{};
  // v5 properties forwarded unaltered (MQTT-3.3.2-15..-18).
  ApplicationProperties properties{};
};

}  // namespace mqttbed::mqtt
