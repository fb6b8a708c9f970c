#include "sim/transport/http2.h"

#include <cstdio>

namespace mqttbed::transport {

std::vector<Flight> Http2Connection::open_flights() {
  // Three settings each (6 octets per setting, §6.5.1): e.g. HEADER_TABLE_SIZE,
  // MAX_CONCURRENT_STREAMS, INITIAL_WINDOW_SIZE.
  const std::uint64_t settings = kH2FrameHeader + 3 * 6ULL;
  const std::uint64_t window_update = kH2FrameHeader + 4;  // §6.9
  const std::uint64_t settings_ack = kH2FrameHeader;
  return {Flight{true, 0, 24 + settings + window_update},
          Flight{false, 0, settings + window_update + settings_ack}, Flight{true, 0, settings_ack}};
}

Flight Http2Connection::request(const std::string& method, const std::string& host,
                                const std::string& path, std::uint64_t body) {
  HeaderList headers{{":method", method},
                     {":scheme", "https"},
                     {":authority", host},
                     {":path", path},
                     {"user-agent", "mqttbed-device/1.0"},
                     {"accept", "application/json"}};
  if (body > 0) {
    headers.emplace_back("content-type", "application/json");
    headers.emplace_back("content-length", std::to_string(body));
  }
  std::uint64_t overhead = kH2FrameHeader + client_.encode(headers);
  if (body > 0) overhead += kH2FrameHeader;  // one DATA frame with END_STREAM
  return Flight{true, body, overhead};
}

Flight Http2Connection::response(std::uint64_t body, std::int64_t now_s) {
  char date[48];  // an IMF-fixdate (RFC 9110 §5.6.7), 29 characters
  std::snprintf(date, sizeof date, "Thu, 01 Jan 2026 %02d:%02d:%02d GMT",
                static_cast<int>(now_s / 3600 % 24), static_cast<int>(now_s / 60 % 60),
                static_cast<int>(now_s % 60));
  HeaderList headers{{":status", body > 0 ? "200" : "204"}, {"server", "nginx"}, {"date", date}};
  if (body > 0) {
    headers.emplace_back("content-type", "application/json");
    headers.emplace_back("content-length", std::to_string(body));
  }
  std::uint64_t overhead = kH2FrameHeader + server_.encode(headers);
  if (body > 0) overhead += kH2FrameHeader;
  return Flight{false, body, overhead};
}

}  // namespace mqttbed::transport
