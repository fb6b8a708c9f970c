// The transports `mqttbed compare` weighs, as named on its command line: a comma-separated
// list such as "mqtt,mqtt-tls,mqtt-ws,http-poll:30s,http-long-poll,http2-poll:30s".
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/transport/tls.h"

namespace mqttbed::compare {

enum class Family { mqtt, http_poll, http_long_poll, http2_poll };

struct TransportSpec {
  std::string label;  // as the user wrote it
  Family family = Family::mqtt;
  bool tls = false;
  transport::TlsVersion tls_version = transport::TlsVersion::v13;
  bool websocket = false;
  // Short polling: the period. Long polling: how long the server holds a request.
  std::chrono::milliseconds period{0};
  bool keep_alive = true;  // HTTP/1.1: reuse the connection (":close" turns it off)
  // Polling reads state by default: a poll returns the newest value per topic, older ones
  // are superseded. ":queue": it returns every message waiting, as a message queue would.
  bool queue = false;
  // The server closes a connection idle this long: nginx's keepalive_timeout default, which
  // also bounds idle HTTP/2 connections since nginx 1.19.7.
  std::chrono::milliseconds idle_timeout{75000};
};

// Raised with the 1-based column of the bad item in the list.
class TransportSpecError : public std::runtime_error {
 public:
  TransportSpecError(std::size_t column, const std::string& message)
      : std::runtime_error(message), column(column) {}
  std::size_t column;
};

// Names and forms accepted, for help and error messages.
std::string transport_spec_help();
std::vector<TransportSpec> parse_transports(const std::string& list);

}  // namespace mqttbed::compare
