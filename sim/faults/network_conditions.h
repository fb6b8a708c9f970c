// What the fault plan does to the network at a given moment: is a path cut, how much
// latency and loss do faults add. Pure lookups over the planned windows.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "sim/faults/fault_plan.h"

namespace mqttbed::faults {

struct PathCondition {
  bool cut = false;  // nothing gets through (partition, ungraceful disconnect, reboot)
  Duration extra_latency{0};
  double extra_loss = 0;  // probability, combined with the link classes' own loss
};

class NetworkConditions {
 public:
  explicit NetworkConditions(const std::vector<FaultWindow>& windows);

  // `home` is -1 for devices outside homes (phones, cloud).
  PathCondition at(Duration now, int home, const std::string& client_id) const;

 private:
  void apply(const FaultWindow& window, Duration now, PathCondition& condition) const;

  const std::vector<FaultWindow>& windows_;
  std::unordered_map<int, std::vector<std::size_t>> by_home_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_client_;
};

}  // namespace mqttbed::faults
