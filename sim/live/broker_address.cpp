#include "sim/live/broker_address.h"

#include <mqtt/async_client.h>
#include <unistd.h>

#include <stdexcept>

#include "sim/live/connect_diagnosis.h"
#include "sim/live/live_identity.h"

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
  BrokerAddress address = parse_broker_url(options.broker_url);
  // With --pki the broker admits only the scenario's identities: the probe is the shadow
  // service (before the run, so it takes over no live session).
  const std::string probe_identity = "cloud-shadow";
  std::string id = options.pki_dir.empty()
                       ? options.client_prefix + "mqttbed-probe-" + std::to_string(getpid())
                       : probe_identity;
  // Paho's transport messages ("TCP connect timeout") do not say whether TCP connected;
  // over plain TCP a raw CONNECT finds out. A CONNACK refusal (codes 1..5) is clear as is.
  auto unreachable = [&](const std::string& paho_reason, int code) {
    std::string reason = paho_reason;
    if (address.scheme == "tcp" && (code < 1 || code > 5)) {
      reason = diagnose_mqtt_connect(address.host, address.port, id, options.probe_timeout);
      // Paho's text only where it is not contradicted (TCP did not connect).
      if (reason.rfind("connected to ", 0) != 0) reason += " (Paho: " + paho_reason + ")";
    }
    return BrokerUnreachable("broker " + options.broker_url + " unreachable: " + reason);
  };
  try {
    ::mqtt::async_client probe(options.broker_url, id, ::mqtt::create_options(MQTTVERSION_3_1_1));
    ::mqtt::connect_options connect;
    connect.set_mqtt_version(MQTTVERSION_3_1_1);
    connect.set_clean_session(true);
    connect.set_connect_timeout(static_cast<int>(options.probe_timeout.count()));
    if (!options.username.empty()) connect.set_user_name(options.username);
    if (!options.password.empty()) connect.set_password(options.password);
    apply_identity(connect, options, probe_identity);
    auto token = probe.connect(connect);
    // wait_for throws what connect failed with; false means no answer at all in time.
    if (!token->wait_for(options.probe_timeout + std::chrono::seconds(1)))
      throw unreachable(
          "did not answer within " + std::to_string(options.probe_timeout.count()) + " s", -1);
    try {
      probe.disconnect()->wait_for(options.probe_timeout);
    } catch (const ::mqtt::exception&) {
      // It answered CONNACK: reachable, whether or not it lets us say goodbye.
    }
  } catch (const ::mqtt::exception& error) {
    throw unreachable(error.what(), error.get_return_code());
  }
}

}  // namespace mqttbed::live
