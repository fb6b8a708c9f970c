// Draws per-packet one-way latencies from a link class's distribution (seeded by caller).
#pragma once

#include <random>

#include "sim/scenario/scenario.h"

namespace mqttbed::simulation {

// The fixed part SimGrid's link carries (the distribution's floor), so bandwidth and
// contention come from SimGrid and only the random excess is added per packet.
scenario::Duration latency_floor(const scenario::LatencyDist& dist);

// One sample minus latency_floor(), never negative.
scenario::Duration sample_latency_excess(const scenario::LatencyDist& dist, std::mt19937_64& rng);

}  // namespace mqttbed::simulation
