// A subscription as the server holds it in its index (MQTT 5 §3.8.3.1 options and the
// Subscription Identifier), and how one subscriber's matching subscriptions combine into the
// single copy of a message it is sent (MQTT-3.3.5-1, MQTT-3.3.4-3/-4).
#pragma once

#include <cstdint>
#include <vector>

namespace mqttbed::mqtt {

struct SubscriptionEntry {
  std::uint8_t qos = 0;  // granted
  bool no_local = false;
  bool retain_as_published = false;
  std::uint32_t id = 0;  // Subscription Identifier, 0 = none
};

// One subscriber's copy of a message, from all its subscriptions that match the topic.
struct SubscriberCopy {
  bool matched = false;
  std::uint8_t qos = 0;              // the highest granted (MQTT-3.3.5-1)
  bool retain_as_published = false;  // any matching subscription keeps RETAIN (MQTT-3.3.1-13)
  std::vector<std::uint32_t> ids;    // every matching subscription's identifier (MQTT-3.3.4-4)

  // Adds a matching subscription. `own` = the subscriber's client id published the message:
  // a No Local subscription does not match it (MQTT-3.8.3-3) unless `honour_no_local` is off.
  void add(const SubscriptionEntry& entry, bool own, bool honour_no_local = true);
};

}  // namespace mqttbed::mqtt
