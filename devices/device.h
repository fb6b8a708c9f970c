// What every device kind is: an event-driven state machine started once, driven by its
// runtime's timers and MQTT callbacks. A kind sees only DeviceContext.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "devices/observations.h"
#include "sim/runtime/runtime.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::devices {

// Where a device sits in the fleet and what it may use. Topic namespacing follows the
// seed talk: platform/{account}/{home}/... Build it with devices/naming.h.
struct DeviceIdentity {
  std::string client_id;  // stable, unique: "acct3-home3-light0", "acct3-app0", "cloud-shadow"
  std::string kind;
  int home = -1;        // -1 for per-account and cloud clients
  int index = 0;        // index of this device among its kind in its home/account
  std::string account;  // "acct3" ("" for the cloud shadow service)
  std::string home_id;  // "home3" ("" for per-account clients)
  std::string partner;  // syndicated partner id (gateway certificate attribute)
};

struct DeviceContext {
  runtime::Runtime& runtime;
  runtime::Rng rng;  // this device's own generator
  DeviceIdentity identity;
  const scenario::Params& params;
  const scenario::MqttSettings& mqtt;
  // Every thing (light) id the device may address: for a home device the lights of its
  // home, for a per-account device (app) the lights of every home of its account.
  std::vector<std::string> home_things;
  // What devices measure, for whoever runs them (optional; unset hooks are not called).
  Observations observations = {};
  // Test-only: the kind's deliberate bug (KindInfo::misbehaviour) is on, to prove that the
  // checker of what it breaks can fail.
  bool misbehave = false;
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
  // The run's workload phase is over (settle begins): stop generating new traffic, but keep
  // connections, reconnects and replies going so the fleet can converge.
  virtual void stop_workload() {}
};

}  // namespace mqttbed::devices
