// When each device starts: spread over a ramp so a fleet does not all connect in the same
// instant (a real fleet powers up over time; reconnect-storm scenarios make a storm explicit).
// Simulated and live runs use the same offsets, so a fleet powers up alike in both.
#pragma once

#include <chrono>
#include <string>

#include "sim/scenario/scenario.h"

namespace mqttbed::fleet {

// min(10 s, duration / 10), drawn per client from the scenario seed and the client id.
std::chrono::nanoseconds start_offset(const scenario::Scenario& scenario,
                                      const std::string& client_id);

}  // namespace mqttbed::fleet
