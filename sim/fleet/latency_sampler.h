// Draws per-packet one-way latencies from a link class's distribution (seeded by the caller):
// the simulated transport and the live fault proxy's latency emulation draw alike.
#pragma once

#include <random>

#include "sim/runtime/runtime.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::fleet {

// The distribution's fixed part (its floor): the least time a packet spends on the link.
scenario::Duration latency_floor(const scenario::LatencyDist& dist);

// One sample minus latency_floor(), never negative.
scenario::Duration sample_latency_excess(const scenario::LatencyDist& dist, runtime::Rng& rng);

}  // namespace mqttbed::fleet
