// What a run reports through, whichever runtime plays it (SimGrid's virtual time or live
// Paho clients in real time): progress, broker samples, the fault plan, device
// observations, and the totals at the end. The CLI, the Python module and the pipeline
// see only these types, never a runtime's own.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "devices/observations.h"
#include "sim/broker/broker.h"
#include "sim/faults/fault_plan.h"
#include "sim/fleet/misbehaviour.h"

namespace mqttbed::fleet {

struct Progress {
  std::chrono::nanoseconds now{0};  // virtual time simulated, real time since start live
  std::chrono::nanoseconds end{0};
  std::uint64_t events = 0;
  std::uint64_t connected_clients = 0;
};

struct RunHooks {
  // Every second of run time; cheap to ignore.
  std::function<void(const Progress&)> on_progress;
  // Broker counters, sampled every `sample_every` (the built-in broker model only).
  std::chrono::nanoseconds sample_every{std::chrono::seconds(10)};
  std::function<void(std::chrono::nanoseconds now, const broker::BrokerStats&)> on_broker_sample;
  // The planned fault windows, once before the run starts.
  std::function<void(const std::vector<faults::FaultWindow>&)> on_fault_plan;
  devices::Observations observations;
  // Test-only misbehaviour that proves a checker can fail.
  Misbehaviour misbehaviour;
};

struct RunStats {
  std::uint64_t devices = 0;
  std::uint64_t events = 0;  // timers and transfers (simulated) or callbacks (live) processed
  std::uint64_t transfers = 0;
  std::uint64_t packets = 0;
  std::uint64_t wire_bytes = 0;
  std::uint64_t retransmissions = 0;
  std::uint64_t broken_connections = 0;
  broker::BrokerStats broker;
  std::chrono::nanoseconds end{0};
  std::chrono::nanoseconds settle_start{0};
};

}  // namespace mqttbed::fleet
