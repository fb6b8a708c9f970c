// Every device of a scenario's fleet with its stable name and place: the one definition of
// client ids ("acct{A}-home{H}-{kind}{i}", "acct{A}-{kind}{i}") that loader, runtime and
// faults share.
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/scenario.h"

namespace mqttbed::scenario {

struct DeviceSlot {
  std::string client_id;
  std::string kind;
  int account = 0;
  int home = -1;  // -1 for per-account devices
  int index = 0;  // among devices of this kind in its home (or account)
  const DeviceGroup* group = nullptr;
};

int account_count(const Fleet& fleet);
int account_of_home(const Fleet& fleet, int home);
// In a stable order: homes in order (their devices in per_home order), then accounts.
std::vector<DeviceSlot> layout_fleet(const Fleet& fleet);

}  // namespace mqttbed::scenario
