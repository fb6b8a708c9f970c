#include "sim/fleet/start_ramp.h"

#include <algorithm>
#include <random>

#include "sim/runtime/runtime.h"

namespace mqttbed::fleet {

std::chrono::nanoseconds start_offset(const scenario::Scenario& scenario,
                                      const std::string& client_id) {
  using std::chrono::nanoseconds;
  nanoseconds ramp = std::min<nanoseconds>(std::chrono::seconds(10), scenario.duration / 10);
  if (ramp.count() <= 0) return nanoseconds(0);
  auto rng = runtime::derive_rng(scenario.seed, "start/" + client_id);
  return nanoseconds(std::uniform_int_distribution<std::int64_t>(0, ramp.count() - 1)(rng));
}

}  // namespace mqttbed::fleet
