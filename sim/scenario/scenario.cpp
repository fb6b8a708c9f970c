#include "sim/scenario/scenario.h"

namespace mqttbed::scenario {

const char* to_string(Check check) {
  switch (check) {
    case Check::qos:
      return "qos";
    case Check::ordering:
      return "ordering";
    case Check::retained:
      return "retained";
    case Check::will:
      return "will";
    case Check::sessions:
      return "sessions";
    case Check::shadow:
      return "shadow";
    case Check::isolation:
      return "isolation";
    case Check::completeness:
      return "completeness";
    case Check::reason_codes:
      return "reason_codes";
    case Check::message_expiry:
      return "message_expiry";
  }
  return "?";
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
