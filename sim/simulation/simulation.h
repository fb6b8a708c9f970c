// One simulated run: builds the platform, broker, fleet and fault schedule from a scenario
// and plays it in virtual time on SimGrid. Observers on the History see every client event.
// SimGrid's engine is process-global: one Simulation per process.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "devices/observations.h"
#include "sim/broker/broker.h"
#include "sim/faults/fault_plan.h"
#include "sim/history/history.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::simulation {

struct Progress {
  std::chrono::nanoseconds now{0};
  std::chrono::nanoseconds end{0};
  std::uint64_t events = 0;
  std::uint64_t connected_clients = 0;
};

struct SimulationHooks {
  // Every virtual second; cheap to ignore.
  std::function<void(const Progress&)> on_progress;
  // Broker counters, sampled every `sample_every` of virtual time.
  std::chrono::nanoseconds sample_every{std::chrono::seconds(10)};
  std::function<void(std::chrono::nanoseconds now, const broker::BrokerStats&)> on_broker_sample;
  // The planned fault windows, once before the run starts.
  std::function<void(const std::vector<faults::FaultWindow>&)> on_fault_plan;
  devices::Observations observations;
  // Test-only broker misbehaviour (proves the checkers can fail).
  broker::Mutation mutation = broker::Mutation::none;
  bool shadow_reuse_version = false;
};

struct SimulationStats {
  std::uint64_t devices = 0;
  std::uint64_t events = 0;  // timers and transfers the loop processed
  std::uint64_t transfers = 0;
  std::uint64_t packets = 0;
  std::uint64_t wire_bytes = 0;
  std::uint64_t retransmissions = 0;
  std::uint64_t broken_connections = 0;
  broker::BrokerStats broker;
  std::chrono::nanoseconds end{0};
  std::chrono::nanoseconds settle_start{0};
};

// Runs the scenario to duration + settle. Faults stop at `duration`; devices stop their
// workload then too, and the settle period lets the fleet reconnect and deliver.
SimulationStats run_simulation(const scenario::Scenario& scenario, history::History& history,
                               const SimulationHooks& hooks);

}  // namespace mqttbed::simulation
