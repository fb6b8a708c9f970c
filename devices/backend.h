// A cloud back end (kind "backend", per account): consumes its account's device state and
// sensor readings through one MQTT 5 shared subscription, so the members of a fleet's back
// end split the stream between them (each message to one member, §4.8.2).
#pragma once

#include <cstdint>
#include <string>

#include "devices/connection_keeper.h"
#include "devices/device.h"

namespace mqttbed::devices {

class Backend : public Device {
 public:
  explicit Backend(DeviceContext context);

  void start() override;
  void reboot() override;
  void disconnect_gracefully() override;
  void resume() override;

  // $share/{group}-{account}/platform/{account}/+/+/state
  const std::string& filter() const { return filter_; }
  std::uint64_t consumed() const { return consumed_; }

 private:
  DeviceContext context_;
  std::string filter_;
  ConnectionKeeper keeper_;
  std::uint64_t consumed_ = 0;
};

}  // namespace mqttbed::devices
