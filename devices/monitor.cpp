#include "devices/monitor.h"

namespace mqttbed::devices {

Monitor::Monitor(DeviceContext context)
    : context_(std::move(context)),
      keeper_(context_.runtime, context_.rng, context_.mqtt, context_.identity.client_id,
              context_.identity.home) {
  // A filter starting with a wildcard: it matches every topic but those starting with '$'.
  keeper_.set_subscriptions({{"#", static_cast<int>(context_.params.get_int("qos"))}});
}

void Monitor::start() { keeper_.start(); }
void Monitor::reboot() { keeper_.restart(); }
void Monitor::disconnect_gracefully() { keeper_.disconnect(); }
void Monitor::resume() { keeper_.resume(); }

}  // namespace mqttbed::devices
