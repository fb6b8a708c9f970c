// An application message as the broker holds it (queued, in flight, retained): the parts of a
// PUBLISH that survive from publisher to subscriber, without per-hop packet fields.
#pragma once

#include <cstdint>
#include <string>

namespace mqttbed::mqtt {

struct Message {
  std::string topic;
  std::string payload;
  std::uint8_t qos = 0;
  bool retain = false;
};

}  // namespace mqttbed::mqtt
