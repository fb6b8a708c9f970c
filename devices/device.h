// What every device kind is: an event-driven state machine started once, driven by its
// runtime's timers and MQTT callbacks. A kind sees only DeviceContext.
#pragma once

#include <memory>
#include <string>

#include "sim/runtime/runtime.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::devices {

// Where a device sits in the fleet and what it may use. Topic namespacing follows the
// seed talk: platform/{account}/{home}/...
struct DeviceIdentity {
  std::string client_id;  // stable, unique: e.g. "h12-light-3", "a4-app-0"
  std::string kind;
  int home = -1;          // -1 for per-account clients
  int index = 0;          // index of this device among its kind in its home/account
  std::string account;    // e.g. "acct-4"
  std::string home_id;    // e.g. "home-12" ("" for per-account clients)
  std::string partner;    // syndicated partner id (gateway certificate attribute)
};

struct DeviceContext {
  runtime::Runtime& runtime;
  runtime::Rng rng;  // this device's own generator
  DeviceIdentity identity;
  const scenario::Params& params;
  const scenario::MqttSettings& mqtt;
  // Every thing (light) id in the device's home, so gateways/apps can address them.
  std::vector<std::string> home_things;
};

class Device {
 public:
  virtual ~Device() = default;
  // Called once at the device's start time: connect and begin the behaviour.
  virtual void start() = 0;
  // Client state lost (device reboot): drop everything in memory and start again.
  virtual void reboot() = 0;
  // Faults that act on the device from outside (graceful disconnect, reconnect).
  virtual void disconnect_gracefully() = 0;
  virtual void resume() = 0;
};

}  // namespace mqttbed::devices
