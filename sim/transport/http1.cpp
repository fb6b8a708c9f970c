#include "sim/transport/http1.h"

namespace mqttbed::transport {

std::string http1_request_head(const HttpRequestShape& r) {
  std::string head = r.method + " " + r.path + " HTTP/1.1\r\n";
  head += "Host: " + r.host + "\r\n";
  head += "User-Agent: mqttbed-device/1.0\r\n";
  head += "Accept: application/json\r\n";
  if (r.body > 0) {
    head += "Content-Type: application/json\r\n";
    head += "Content-Length: " + std::to_string(r.body) + "\r\n";
  }
  if (!r.keep_alive) head += "Connection: close\r\n";
  return head + "\r\n";
}

std::string http1_response_head(int status, std::uint64_t body, bool keep_alive) {
  std::string head = status == 204 ? "HTTP/1.1 204 No Content\r\n" : "HTTP/1.1 200 OK\r\n";
  head += "Server: nginx\r\n";
  head += "Date: Thu, 03 Dec 2026 17:00:00 GMT\r\n";
  if (status != 204) {
    head += "Content-Type: application/json\r\n";
    head += "Content-Length: " + std::to_string(body) + "\r\n";
  }
  if (!keep_alive) head += "Connection: close\r\n";
  return head + "\r\n";
}

}  // namespace mqttbed::transport
