#include "sim/live/broker_address.h"

#include <mqtt/async_client.h>
#include <unistd.h>

#include <stdexcept>

namespace mqttbed::live {

BrokerAddress parse_broker_url(const std::string& url) {
  BrokerAddress address;
  auto scheme_end = url.find("://");
  std::string rest = url;
  if (scheme_end != std::string::npos) {
    address.scheme = url.substr(0, scheme_end);
    rest = url.substr(scheme_end + 3);
  } else {
    address.scheme = "tcp";
  }
  if (address.scheme == "mqtt") address.scheme = "tcp";
  if (address.scheme == "mqtts") address.scheme = "ssl";
  if (address.scheme != "tcp" && address.scheme != "ssl")
    throw std::invalid_argument("--broker " + url +
                                ": expected tcp://host:port or ssl://host:port");
  auto colon = rest.rfind(':');
  address.host = rest.substr(0, colon);
  if (colon == std::string::npos) {
    address.port = address.scheme == "ssl" ? 8883 : 1883;
  } else {
    try {
      address.port = std::stoi(rest.substr(colon + 1));
    } catch (const std::exception&) {
      throw std::invalid_argument("--broker " + url + ": bad port");
    }
  }
  if (address.host.empty() || address.port <= 0 || address.port > 65535)
    throw std::invalid_argument("--broker " + url + ": expected tcp://host:port");
  return address;
}

void probe_broker(const LiveOptions& options) {
  parse_broker_url(options.broker_url);
  std::string id = options.client_prefix + "mqttbed-probe-" + std::to_string(getpid());
  try {
    ::mqtt::async_client probe(options.broker_url, id, ::mqtt::create_options(MQTTVERSION_3_1_1));
    ::mqtt::connect_options connect;
    connect.set_mqtt_version(MQTTVERSION_3_1_1);
    connect.set_clean_session(true);
    connect.set_connect_timeout(static_cast<int>(options.probe_timeout.count()));
    if (!options.username.empty()) connect.set_user_name(options.username);
    if (!options.password.empty()) connect.set_password(options.password);
    if (!options.cafile.empty()) {
      ::mqtt::ssl_options ssl;
      ssl.set_trust_store(options.cafile);
      connect.set_ssl(std::move(ssl));
    }
    auto token = probe.connect(connect);
    if (!token->wait_for(options.probe_timeout + std::chrono::seconds(1)))
      throw BrokerUnreachable("broker " + options.broker_url + " did not answer within " +
                              std::to_string(options.probe_timeout.count()) + " s");
    probe.disconnect()->wait_for(options.probe_timeout);
  } catch (const ::mqtt::exception& error) {
    throw BrokerUnreachable("broker " + options.broker_url + " unreachable: " + error.what());
  }
}

}  // namespace mqttbed::live
