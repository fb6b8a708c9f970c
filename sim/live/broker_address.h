// Where a live run's broker is (the --broker URL, parsed once) and whether it answers: a
// probe connection before anything runs, so an unreachable broker fails fast and clearly.
#pragma once

#include <string>

#include "sim/live/live_options.h"

namespace mqttbed::live {

struct BrokerAddress {
  std::string scheme;  // "tcp" or "ssl"
  std::string host;
  int port = 0;
};

// tcp://host:port, ssl://host:port (mqtt:// and mqtts:// too; the port defaults to 1883 or
// 8883). Throws std::invalid_argument naming the URL and what was expected.
BrokerAddress parse_broker_url(const std::string& url);

// Connects one probe client and disconnects it; throws BrokerUnreachable (with Paho's
// reason) when the broker does not accept it within options.probe_timeout.
void probe_broker(const LiveOptions& options);

}  // namespace mqttbed::live
