#include "sim/compare/transport_spec.h"

#include <map>
#include <optional>

#include "sim/scenario/units.h"

namespace mqttbed::compare {

namespace {

struct Base {
  Family family;
  bool tls;
  transport::TlsVersion version;
  bool websocket;
  bool needs_period;
  std::chrono::milliseconds default_period;
};

const std::map<std::string, Base>& bases() {
  using std::chrono::milliseconds;
  using transport::TlsVersion;
  static const std::map<std::string, Base> table{
      {"mqtt", {Family::mqtt, false, TlsVersion::v13, false, false, milliseconds(0)}},
      {"mqtt-tls", {Family::mqtt, true, TlsVersion::v13, false, false, milliseconds(0)}},
      {"mqtt-tls12", {Family::mqtt, true, TlsVersion::v12, false, false, milliseconds(0)}},
      {"mqtt-ws", {Family::mqtt, false, TlsVersion::v13, true, false, milliseconds(0)}},
      {"mqtt-wss", {Family::mqtt, true, TlsVersion::v13, true, false, milliseconds(0)}},
      {"http-poll", {Family::http_poll, false, TlsVersion::v13, false, true, milliseconds(0)}},
      {"https-poll", {Family::http_poll, true, TlsVersion::v13, false, true, milliseconds(0)}},
      // Long polling: the server answers an empty 204 after 30 s (the usual hold).
      {"http-long-poll",
       {Family::http_long_poll, false, TlsVersion::v13, false, false, milliseconds(30000)}},
      {"https-long-poll",
       {Family::http_long_poll, true, TlsVersion::v13, false, false, milliseconds(30000)}},
      // HTTP/2 over TLS (h2 with ALPN): what servers and clients deploy.
      {"http2-poll", {Family::http2_poll, true, TlsVersion::v13, false, true, milliseconds(0)}},
  };
  return table;
}

}  // namespace

std::string transport_spec_help() {
  return "mqtt, mqtt-tls, mqtt-tls12, mqtt-ws, mqtt-wss, http-poll:PERIOD, "
         "https-poll:PERIOD, http-long-poll[:HOLD], https-long-poll[:HOLD], "
         "http2-poll:PERIOD; polling ones take :queue (every waiting message, not the newest "
         "per topic), HTTP/1.1 ones :close (no keep-alive)";
}

std::vector<TransportSpec> parse_transports(const std::string& list) {
  std::vector<TransportSpec> specs;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    std::string item = list.substr(start, end - start);
    const std::size_t column = start + 1;
    if (item.empty())
      throw TransportSpecError(column,
                               "empty transport name (expected " + transport_spec_help() + ")");
    std::vector<std::string> parts;
    for (std::size_t p = 0;;) {
      std::size_t colon = item.find(':', p);
      parts.push_back(item.substr(p, colon - p));
      if (colon == std::string::npos) break;
      p = colon + 1;
    }
    auto base = bases().find(parts[0]);
    if (base == bases().end())
      throw TransportSpecError(
          column, "unknown transport '" + parts[0] + "' (expected " + transport_spec_help() + ")");
    TransportSpec spec;
    spec.label = item;
    spec.family = base->second.family;
    spec.tls = base->second.tls;
    spec.tls_version = base->second.version;
    spec.websocket = base->second.websocket;
    spec.period = base->second.default_period;
    bool has_period = false;
    for (std::size_t i = 1; i < parts.size(); ++i) {
      const std::size_t part_column = column + item.find(parts[i], parts[0].size());
      if (parts[i] == "close" && spec.family != Family::mqtt && spec.family != Family::http2_poll) {
        spec.keep_alive = false;
        continue;
      }
      if (parts[i] == "queue" && spec.family != Family::mqtt) {
        spec.queue = true;
        continue;
      }
      if (spec.family == Family::mqtt)
        throw TransportSpecError(part_column,
                                 "'" + parts[0] + "' takes no options, got '" + parts[i] + "'");
      std::optional<scenario::Duration> duration = scenario::units::parse_duration(parts[i]);
      if (has_period || !duration || duration->count() <= 0)
        throw TransportSpecError(part_column, "'" + parts[i] +
                                                  "': expected a positive duration "
                                                  "such as 30s or 5m" +
                                                  (spec.family == Family::http2_poll
                                                       ? std::string(", 'queue'")
                                                       : std::string(", 'queue' or 'close'")));
      spec.period = std::chrono::duration_cast<std::chrono::milliseconds>(*duration);
      has_period = true;
    }
    if (base->second.needs_period && !has_period)
      throw TransportSpecError(
          column, "'" + parts[0] + "' needs a polling period, e.g. " + parts[0] + ":30s");
    specs.push_back(spec);
    start = end + 1;
  }
  return specs;
}

}  // namespace mqttbed::compare
