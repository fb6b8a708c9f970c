// An operations monitor (kind "monitor"): a per-account dashboard client that subscribes to
// everything with `#`, as monitoring tools do, and only listens. The broker must keep the
// `$aws/...` shadow traffic away from that filter (MQTT-4.7.2-1), which the `deliveries`
// check judges; the scenario's policy decides what the monitor may subscribe to and receive.
#pragma once

#include "devices/connection_keeper.h"
#include "devices/device.h"

namespace mqttbed::devices {

class Monitor : public Device {
 public:
  explicit Monitor(DeviceContext context);

  void start() override;
  void reboot() override;
  void disconnect_gracefully() override;
  void resume() override;

 private:
  DeviceContext context_;
  ConnectionKeeper keeper_;
};

}  // namespace mqttbed::devices
