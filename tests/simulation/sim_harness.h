// Runs a small scenario (YAML text) in simulation and keeps every history event, so tests
// can assert what a fault did. One simulation per test process (SimGrid's engine is global).
#pragma once

#include <string>
#include <vector>

#include "sim/history/history.h"
#include "sim/simulation/simulation.h"

namespace mqttbed::testing {

struct SimulatedRun {
  history::History history;
  std::vector<history::Event> events;
  fleet::RunStats stats;

  // Events of `type` for `client` (by name), in time order.
  std::vector<history::Event> of(history::EventType type, const std::string& client) const;
  // Deliveries to `client` that carry a will.
  std::vector<history::Event> wills_to(const std::string& client) const;
  double seconds(const history::Event& event) const { return event.time_ns / 1e9; }
};

// A one-home fleet (gateway, light, sensor; one app per account) with `faults_yaml` (a YAML
// list) and `extra_yaml` (top-level keys) spliced in.
std::string small_fleet_yaml(const std::string& faults_yaml, const std::string& extra_yaml = "");

// Loads `yaml` with the real device catalog and runs it; the run owns its History.
void simulate(const std::string& yaml, SimulatedRun& run, const fleet::RunHooks& hooks = {});

}  // namespace mqttbed::testing
