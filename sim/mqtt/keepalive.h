// Keep Alive timing (MQTT 3.1.1 §3.1.2.10, 5.0 §3.1.2.10): when the broker gives up on a
// silent client, and how often a client must send something.
#pragma once

#include <chrono>
#include <cstdint>

namespace mqttbed::mqtt {

using Duration = std::chrono::nanoseconds;

// MQTT-3.1.2-24: the server disconnects a client it has not heard from for one and a half
// times the Keep Alive. A Keep Alive of 0 turns the mechanism off: returns zero (disabled).
constexpr Duration keepalive_timeout(std::uint16_t keepalive_s) {
  return std::chrono::milliseconds(std::int64_t{keepalive_s} * 1500);
}

// MQTT-3.1.2-23: the client must send a control packet (PINGREQ if nothing else) within
// each Keep Alive period. Zero means disabled.
constexpr Duration keepalive_period(std::uint16_t keepalive_s) {
  return std::chrono::seconds(keepalive_s);
}

}  // namespace mqttbed::mqtt
