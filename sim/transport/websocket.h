// WebSocket (RFC 6455) as bytes on the wire: the HTTP/1.1 upgrade handshake (§4.1, §4.2.2)
// and the frame header each message carries (§5.2), masked from client to server (§5.3).
#pragma once

#include <cstdint>
#include <string>

namespace mqttbed::transport {

// Frame header bytes for a payload of `length`: 2, +2 for 126..65535 (16-bit extended
// length), +8 beyond (64-bit); +4 masking key when `masked` (every client frame, §5.3).
std::uint64_t websocket_frame_header(std::uint64_t length, bool masked);

// The opening handshake, as a browser-free MQTT client sends it (MQTT 5 §6 / 3.1.1 §6:
// subprotocol "mqtt"): request and 101 response text, byte for byte.
std::string websocket_upgrade_request(const std::string& host, const std::string& path);
std::string websocket_upgrade_response();
// Close (§5.5.1): a frame with a 2-byte status code each way.
std::uint64_t websocket_close_bytes(bool masked);

}  // namespace mqttbed::transport
