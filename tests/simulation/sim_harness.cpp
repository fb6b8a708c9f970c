#include "tests/simulation/sim_harness.h"

#include "sim/run/catalog.h"
#include "sim/scenario/loader.h"

namespace mqttbed::testing {

std::vector<history::Event> SimulatedRun::of(history::EventType type,
                                             const std::string& client) const {
  std::vector<history::Event> found;
  for (const auto& event : events)
    if (event.type == type && history.client_name(event.client) == client) found.push_back(event);
  return found;
}

std::vector<history::Event> SimulatedRun::wills_to(const std::string& client) const {
  std::vector<history::Event> found;
  for (const auto& event : of(history::EventType::delivered, client))
    if (event.is_will) found.push_back(event);
  return found;
}

std::string small_fleet_yaml(const std::string& faults_yaml, const std::string& extra_yaml) {
  return R"(name: fault-test
seed: 7
duration: 2m
settle: 30s
mqtt: {keepalive: 10s, persistent_sessions: true, reconnect: {min: 1s, max: 2s}}
network:
  links:
    lan: {latency: 2ms, bandwidth: 100Mbps}
    uplink: {latency: 20ms, bandwidth: 20Mbps}
    cloud: {latency: 1ms, bandwidth: 10Gbps}
fleet:
  homes: 1
  per_home:
    - {kind: gateway, count: 1}
    - {kind: light, count: 1, params: {report_every: 30s}}
    - {kind: sensor, count: 1, params: {every: 5s, qos: 1}}
  per_account:
    - {kind: app, count: 1, params: {command_every: 20s}}
faults: )" +
         faults_yaml + "\n" + extra_yaml;
}

void simulate(const std::string& yaml, SimulatedRun& run, const fleet::RunHooks& hooks) {
  scenario::Scenario scenario = run::load_scenario_text(yaml, "test.yaml");
  run.history.add_observer([&run](const history::Event& event) { run.events.push_back(event); });
  run.stats = simulation::run_simulation(scenario, run.history, hooks);
}

}  // namespace mqttbed::testing
