// How late a broker may notice that a connection ended, from the Keep Alive its CONNECT
// carried: the bound the sessions and will checkers wait out before judging.
#pragma once

#include <cstdint>
#include <optional>

namespace mqttbed::check {

// A connection can end without the broker being told (a blackhole, a crash of the client's
// host); the broker then notices by keepalive: after 1.5 x keepalive_s without a packet
// (MQTT-3.1.2-24), counted from the client's last packet, which is no later than the moment
// the client saw the end. Keep Alive 0 turns the mechanism off (MQTT 3.1.1 §3.1.2.10): the
// broker is not required to notice at all, so there is no bound (nullopt).
inline std::optional<std::int64_t> broker_notice_bound_ns(std::uint16_t keepalive_s) {
  if (keepalive_s == 0) return std::nullopt;
  return std::int64_t{keepalive_s} * 1'500'000'000;
}

}  // namespace mqttbed::check
