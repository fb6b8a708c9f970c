// One live run: the scenario's devices as Paho clients against a real broker, in real time
// for duration + settle, faults acted out by the fault proxy. Same hooks and stats as a
// simulated run, so the run pipeline judges and reports both alike.
#pragma once

#include <string>

#include "sim/fleet/run_contract.h"
#include "sim/history/history.h"
#include "sim/live/live_options.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::live {

// Raises the soft open-file limit to the hard limit (each proxied device holds ~3
// descriptors); returns the soft limit now in force.
long raise_file_limit();

// Throws BrokerUnreachable before anything runs; std::invalid_argument for a URL it cannot
// use; std::runtime_error when a process of a sharded run fails. A fleet over
// options.clients_per_process (or options.processes > 1) runs split across child processes
// whose histories are merged into `history` at the end (docs/live.md, "Large fleets").
// Broker counters are not sampled live (the broker is a black box).
fleet::RunStats run_live(const scenario::Scenario& scenario, history::History& history,
                         const fleet::RunHooks& hooks, const LiveOptions& options);

}  // namespace mqttbed::live
