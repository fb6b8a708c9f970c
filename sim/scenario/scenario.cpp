#include "sim/scenario/scenario.h"

namespace mqttbed::scenario {

const std::vector<std::string>& broker_profile_names() {
  static const std::vector<std::string> kNames = {"mosquitto", "aws-iot"};
  return kNames;
}

std::optional<BrokerSettings> broker_profile(const std::string& name) {
  if (name == "mosquitto") return BrokerSettings{};  // the model's own defaults
  if (name != "aws-iot") return std::nullopt;
  // AWS IoT Core's published behaviour and limits (docs/scenario.md cites the pages).
  BrokerSettings aws;
  aws.profile = name;
  aws.max_inflight = 100;                // unacknowledged outbound publishes per client
  aws.payload_limit_bytes = 128 * 1024;  // PUBLISH payload, 128 KB
  aws.qos2 = false;                      // QoS 0 and 1 only...
  aws.qos2_unanswered = true;            // ...and no PUBACK/SUBACK when QoS 2 is requested
  aws.ordering = false;                  // no guarantee of message order
  aws.reorder_window = std::chrono::milliseconds(200);
  return aws;
}

const char* to_string(Fault::Kind kind) {
  switch (kind) {
    case Fault::Kind::disconnect:
      return "disconnect";
    case Fault::Kind::partition:
      return "partition";
    case Fault::Kind::latency_spike:
      return "latency_spike";
    case Fault::Kind::loss_burst:
      return "loss_burst";
    case Fault::Kind::broker_crash:
      return "broker_crash";
    case Fault::Kind::device_reboot:
      return "device_reboot";
  }
  return "?";
}

}  // namespace mqttbed::scenario
