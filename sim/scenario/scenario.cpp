#include "sim/scenario/scenario.h"

namespace mqttbed::scenario {

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
