#include "sim/transport/websocket.h"

namespace mqttbed::transport {

std::uint64_t websocket_frame_header(std::uint64_t length, bool masked) {
  std::uint64_t header = 2;
  if (length > 65535)
    header += 8;
  else if (length > 125)
    header += 2;
  return header + (masked ? 4 : 0);
}

std::string websocket_upgrade_request(const std::string& host, const std::string& path) {
  // Sec-WebSocket-Key: base64 of 16 random bytes = 24 characters (§4.1, item 7).
  return "GET " + path +
         " HTTP/1.1\r\n"
         "Host: " +
         host +
         "\r\n"
         "Upgrade: websocket\r\n"
         "Connection: Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
         "Sec-WebSocket-Version: 13\r\n"
         "Sec-WebSocket-Protocol: mqtt\r\n"
         "\r\n";
}

std::string websocket_upgrade_response() {
  // Sec-WebSocket-Accept: base64 of a SHA-1 = 28 characters (§4.2.2, item 5.4).
  return "HTTP/1.1 101 Switching Protocols\r\n"
         "Upgrade: websocket\r\n"
         "Connection: Upgrade\r\n"
         "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
         "Sec-WebSocket-Protocol: mqtt\r\n"
         "\r\n";
}

std::uint64_t websocket_close_bytes(bool masked) { return websocket_frame_header(2, masked) + 2; }

}  // namespace mqttbed::transport
