#include "sim/faults/network_conditions.h"

namespace mqttbed::faults {

using Kind = scenario::Fault::Kind;

NetworkConditions::NetworkConditions(const std::vector<FaultWindow>& windows) : windows_(windows) {
  for (std::size_t i = 0; i < windows.size(); ++i) {
    const auto& window = windows[i];
    bool cuts_device =
        (window.kind == Kind::disconnect && !window.graceful) || window.kind == Kind::device_reboot;
    bool network = window.kind == Kind::partition || window.kind == Kind::latency_spike ||
                   window.kind == Kind::loss_burst;
    if (!network && !cuts_device) continue;
    for (int home : window.homes) by_home_[home].push_back(i);
    for (const auto& client : window.clients) by_client_[client].push_back(i);
  }
}

void NetworkConditions::apply(const FaultWindow& window, Duration now,
                              PathCondition& condition) const {
  if (now < window.start || now >= window.end) return;
  switch (window.kind) {
    case Kind::latency_spike:
      condition.extra_latency += window.extra_latency;
      break;
    case Kind::loss_burst:
      condition.extra_loss = 1 - (1 - condition.extra_loss) * (1 - window.loss);
      break;
    default:
      condition.cut = true;
      break;  // partition, ungraceful disconnect, reboot
  }
}

PathCondition NetworkConditions::at(Duration now, int home, const std::string& client_id) const {
  PathCondition condition;
  if (auto it = by_home_.find(home); home >= 0 && it != by_home_.end())
    for (std::size_t i : it->second) apply(windows_[i], now, condition);
  if (auto it = by_client_.find(client_id); it != by_client_.end())
    for (std::size_t i : it->second) apply(windows_[i], now, condition);
  return condition;
}

}  // namespace mqttbed::faults
