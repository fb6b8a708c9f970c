// Turns the scenario's `faults:` into concrete, seeded windows (who, what, from when to
// when) before the run starts, so injection is a schedule and every run replays exactly.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "sim/scenario/fleet_layout.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::faults {

using Duration = std::chrono::nanoseconds;

struct FaultWindow {
  enum class Scope { broker, homes, clients };
  scenario::Fault::Kind kind = scenario::Fault::Kind::disconnect;
  std::size_t fault_index = 0;  // which entry of scenario.faults
  Duration start{0};
  Duration end{0};  // == start for an instantaneous fault
  Scope scope = Scope::clients;
  std::vector<int> homes;            // Scope::homes
  std::vector<std::string> clients;  // Scope::clients
  bool graceful = false;
  Duration extra_latency{0};
  double loss = 0;
  std::string target_text;
};

// Windows in start order; random faults (mtbf/mttr) draw one alternating up/down sequence
// per targeted unit (home, device, or the broker) from an RNG derived from the seed.
std::vector<FaultWindow> plan_faults(const scenario::Scenario& scenario,
                                     const std::vector<scenario::DeviceSlot>& fleet);

// The stable name of each fault's random stream, in scenario order: "name/NAME" for a named
// fault, else "content/" + a canonical rendering of what it is (kind, target, timing and
// settings), with "#N" for the N-th (N >= 2) fault of identical content. Never the list
// position, so inserting or reordering faults leaves every other fault's windows unchanged.
std::vector<std::string> fault_stream_keys(const std::vector<scenario::Fault>& faults);

// The homes or clients a target selects, for `scope` (homes for network faults on home
// ranges/ISP, clients otherwise).
FaultWindow::Scope scope_for(const scenario::Fault& fault);

}  // namespace mqttbed::faults
