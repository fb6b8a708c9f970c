// One simulated run: builds the platform, broker, fleet and fault schedule from a scenario
// and plays it in virtual time on SimGrid. Observers on the History see every client event.
// SimGrid's engine is process-global: one Simulation per process.
#pragma once

#include "sim/fleet/run_contract.h"
#include "sim/fleet/shard.h"
#include "sim/history/history.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::simulation {

// Runs the scenario to duration + settle. Faults stop at `duration`; devices stop their
// workload then too, and the settle period lets the fleet reconnect and deliver. With a
// shard, only its accounts' devices, on a broker node of their own (sim/fleet/shard.h).
fleet::RunStats run_simulation(const scenario::Scenario& scenario, history::History& history,
                               const fleet::RunHooks& hooks, fleet::Shard shard = {});

}  // namespace mqttbed::simulation
