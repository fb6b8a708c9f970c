// Exact encoded sizes of MQTT control packets (MQTT 3.1.1 and 5.0, chapters 2 and 3), so
// the simulated network carries the bytes a real client and broker would put on the wire.
#pragma once

#include <cstddef>

#include "sim/mqtt/packet.h"

namespace mqttbed::mqtt {

// Largest Remaining Length a fixed header can carry: 4 varint bytes (§2.2.3 Table 2.4).
inline constexpr std::size_t kMaxRemainingLength = 268'435'455;

// Bytes of the Remaining Length (a Variable Byte Integer, v5 §1.5.5) encoding `value`:
// 1 up to 127, 2 up to 16383, 3 up to 2097151, 4 up to 268435455.
// Throws std::length_error above kMaxRemainingLength.
std::size_t remaining_length_bytes(std::size_t value);

// Bytes after the fixed header: variable header plus payload.
// Modelling choices, since Packet carries no property list:
//  - v5 packets carry no properties, except Session Expiry Interval on CONNECT when
//    session_expiry_s > 0 and Will Delay Interval in the will properties when
//    will->delay_interval_s > 0;
//  - username / password are present in CONNECT when non-empty;
//  - v5 PUBACK..PUBCOMP and DISCONNECT use the short forms the spec allows: no reason code
//    when `return_code` is 0 (Success), no property length otherwise (§3.4.2.1, §3.14.2.1);
//  - v5 UNSUBACK carries one reason code per entry of `granted`, or per entry of
//    `unsubscribe_filters` when `granted` is empty.
// Throws std::length_error when a string exceeds 65535 bytes (MQTT-1.5.3, v5 §1.5.4) or
// the packet exceeds kMaxRemainingLength.
std::size_t remaining_length(const Packet& packet, Version version);

// The whole packet on the wire: fixed header byte, Remaining Length, then the rest.
std::size_t wire_size(const Packet& packet, Version version);

}  // namespace mqttbed::mqtt
