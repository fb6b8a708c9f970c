// The one seam between models and the world: a clock, timers, a seeded RNG and MQTT
// clients. Devices and the shadow service see only this; simulation and live implement it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <pcg_random.hpp>
#include <random>
#include <string>

#include "sim/runtime/mqtt_client.h"

namespace mqttbed::runtime {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::nanoseconds;  // since the run's start (virtual or wall)
using TimerId = std::uint64_t;
// PCG (O'Neill's pcg64, Debian's libpcg-cpp-dev): 32 bytes of state where std::mt19937_64
// takes 2.5 KB, which every device and connection holding its own generator made ~500 MB
// at 100,000 devices.
using Rng = pcg64;

class Runtime {
 public:
  virtual ~Runtime() = default;

  virtual TimePoint now() const = 0;
  // Runs `callback` once after `delay` on the event loop; returns an id for cancel().
  virtual TimerId schedule(Duration delay, std::function<void()> callback) = 0;
  // Cancelling an id that already fired or was cancelled does nothing.
  virtual void cancel(TimerId id) = 0;

  // A client for `client_id`, located at the device's place in the network
  // (`home` index, or -1 for cloud/app clients).
  virtual std::unique_ptr<MqttClient> make_client(const std::string& client_id, int home) = 0;
};

// A generator of its own, seeded from the master seed and a stable name, so adding a
// device does not change what any other device does.
Rng derive_rng(std::uint64_t master_seed, const std::string& stable_name);

}  // namespace mqttbed::runtime
