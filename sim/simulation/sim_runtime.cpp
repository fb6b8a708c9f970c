#include "sim/simulation/sim_runtime.h"

namespace mqttbed::simulation {

SimRuntime::SimRuntime(EventLoop& loop, Transport& transport, const Platform& platform,
                       history::History& history,
                       std::unordered_map<std::string, NodeId> phone_nodes)
    : loop_(loop),
      transport_(transport),
      platform_(platform),
      history_(history),
      phone_nodes_(std::move(phone_nodes)) {}

std::unique_ptr<runtime::MqttClient> SimRuntime::make_client(const std::string& client_id,
                                                             int home) {
  NodeId node = kServiceNode;
  if (home >= 0) {
    node = platform_.home_node(home);
  } else if (auto it = phone_nodes_.find(client_id); it != phone_nodes_.end()) {
    node = it->second;
  }
  return std::make_unique<SimMqttClient>(client_id, node, home, loop_, transport_, history_,
                                         clients_);
}

SimMqttClient* SimRuntime::client(const std::string& client_id) const {
  auto it = clients_.clients.find(client_id);
  return it == clients_.clients.end() ? nullptr : it->second;
}

}  // namespace mqttbed::simulation
