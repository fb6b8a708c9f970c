// HTTP/1.1 messages (RFC 9112) as the polling devices exchange them: the request and
// response text a typical client and nginx put on the wire, so header bytes are counted
// exactly rather than estimated.
#pragma once

#include <cstdint>
#include <string>

namespace mqttbed::transport {

struct HttpRequestShape {
  std::string method = "GET";
  std::string host = "iot.example.com";
  std::string path;        // e.g. /v1/devices/{id}/messages
  std::uint64_t body = 0;  // Content-Length when > 0 (POST)
  bool keep_alive = true;  // false: "Connection: close" (RFC 9112 §9.6)
};

// Request line (§3), then Host, User-Agent, Accept, [Content-Type, Content-Length],
// [Connection: close], the empty line; the body is not included.
std::string http1_request_head(const HttpRequestShape& request);
// Status line (§4) and the headers nginx sends: Server, Date (an IMF-fixdate is always 29
// characters, RFC 9110 §5.6.7), and for a body Content-Type and Content-Length; 204 has
// neither (RFC 9110 §8.6); "Connection: close" when the connection ends.
std::string http1_response_head(int status, std::uint64_t body, bool keep_alive);

}  // namespace mqttbed::transport
