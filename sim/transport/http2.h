// HTTP/2 (RFC 9113) framing as bytes: the connection preface and SETTINGS exchange, and a
// request/response as HEADERS (HPACK blocks, RFC 7541) and DATA frames on one connection.
#pragma once

#include <cstdint>
#include <string>

#include "sim/transport/hpack.h"
#include "sim/transport/wire.h"

namespace mqttbed::transport {

inline constexpr std::uint64_t kH2FrameHeader = 9;  // §4.1

// One HTTP/2 connection's header compression state, both ways.
class Http2Connection {
 public:
  // Client preface (§3.4: 24 octets + SETTINGS) and WINDOW_UPDATE; the server's SETTINGS;
  // each side's SETTINGS ACK (§6.5.3).
  static std::vector<Flight> open_flights();
  // GOAWAY (§6.8: 8 octets of payload, no debug data) when the server closes an idle one.
  static std::uint64_t goaway_bytes() { return kH2FrameHeader + 8; }

  // A request with `body` bytes of DATA (0: HEADERS with END_STREAM only).
  Flight request(const std::string& method, const std::string& host, const std::string& path,
                 std::uint64_t body);
  // A response with `body` bytes (204 when 0), sent at `now_s` seconds: its Date header
  // changes every second, so it is a new literal unless the last response had the same.
  Flight response(std::uint64_t body, std::int64_t now_s);

 private:
  HpackEncoder client_;
  HpackEncoder server_;
};

}  // namespace mqttbed::transport
