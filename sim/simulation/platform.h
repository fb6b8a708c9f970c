// Builds the SimGrid platform from the scenario in code: a star of homes (LAN + ISP
// uplink), phones (mobile uplink) and the cloud (broker and shadow service hosts).
#pragma once

#include <simgrid/s4u/Host.hpp>
#include <string>
#include <vector>

#include "sim/fleet/network_path.h"
#include "sim/scenario/scenario.h"
#include "sim/simulation/event_loop.h"

namespace mqttbed::simulation {

// A place in the network that endpoints live on. The broker is node 0.
using NodeId = int;
inline constexpr NodeId kBrokerNode = 0;
inline constexpr NodeId kServiceNode = 1;

class Platform {
 public:
  // `homes`: the homes played (all, or a shard's), in increasing order; `phones`: client ids
  // of per-account devices, each on a host of its own.
  Platform(const scenario::Scenario& scenario, const std::vector<int>& homes,
           const std::vector<std::string>& phones);

  simgrid::s4u::Host* host(NodeId node) const { return hosts_[static_cast<std::size_t>(node)]; }
  NodeId home_node(int home) const { return home_nodes_[static_cast<std::size_t>(home)]; }
  NodeId phone_node(std::size_t phone_index) const {
    return 2 + homes_ + static_cast<int>(phone_index);
  }
  std::size_t node_count() const { return hosts_.size(); }

  // The link classes a packet crosses between `node` and the broker (one way, either
  // direction): what per-packet latency and loss are drawn from.
  const std::vector<const scenario::LinkClass*>& path_to_broker(NodeId node) const {
    return paths_[static_cast<std::size_t>(node)];
  }
  // The fixed latency of that path: the sum of its link classes' floors.
  Duration path_latency_floor(NodeId node) const {
    return latency_floors_[static_cast<std::size_t>(node)];
  }

 private:
  void add_node(const std::string& name, const scenario::Network& network, fleet::Site site);

  int homes_ = 0;                   // homes played
  std::vector<NodeId> home_nodes_;  // by home index (the scenario's), -1 when not played
  std::vector<simgrid::s4u::Host*> hosts_;
  std::vector<std::vector<const scenario::LinkClass*>> paths_;
  std::vector<Duration> latency_floors_;  // per node: asked for every packet
  simgrid::s4u::NetZone* zone_ = nullptr;
};

}  // namespace mqttbed::simulation
