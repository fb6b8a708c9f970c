#include "sim/simulation/platform.h"

#include <simgrid/s4u/Link.hpp>
#include <simgrid/s4u/NetZone.hpp>

#include "sim/fleet/latency_sampler.h"
#include "sim/fleet/network_path.h"

namespace mqttbed::simulation {

namespace sg = simgrid::s4u;

Platform::Platform(const scenario::Scenario& scenario, const std::vector<int>& homes,
                   const std::vector<std::string>& phones)
    : homes_(static_cast<int>(homes.size())),
      home_nodes_(static_cast<std::size_t>(scenario.fleet.homes), -1) {
  using fleet::Site;
  const scenario::Network& network = scenario.network;
  // A star zone: a route between two hosts is the source's links then the destination's,
  // and its routing table stays linear in the number of hosts (a full zone is quadratic).
  zone_ = sg::create_star_zone("internet");
  add_node("broker", network, Site::broker);
  add_node("shadow-service", network, Site::cloud_service);
  for (int home : homes) {
    home_nodes_[static_cast<std::size_t>(home)] = static_cast<NodeId>(hosts_.size());
    add_node("home" + std::to_string(home), network, Site::home);
  }
  for (const auto& phone : phones) add_node("phone-" + phone, network, Site::phone);
  zone_->seal();
  for (const auto& path : paths_) {
    Duration total{0};
    for (const auto* link_class : path) total += fleet::latency_floor(link_class->latency);
    latency_floors_.push_back(total);
  }
}

void Platform::add_node(const std::string& name, const scenario::Network& network,
                        fleet::Site site) {
  const fleet::LinkPath classes = fleet::access_links(network, site);
  sg::Host* host = zone_->create_host(name, 1e9);
  std::vector<sg::LinkInRoute> route;
  for (const auto* link_class : classes) {
    // Bandwidth only: latency is a delay before the transfer (path_latency_floor), so a
    // SimGrid transfer lives only while it occupies bandwidth (see EventLoop).
    auto* link = zone_->create_split_duplex_link(name + "-" + link_class->name,
                                                 link_class->bandwidth_bps / 8.0);
    link->seal();
    route.emplace_back(link, sg::LinkInRoute::Direction::UP);
  }
  zone_->add_route(host->get_netpoint(), nullptr, nullptr, nullptr, route, true);
  hosts_.push_back(host);
  paths_.push_back(fleet::path_to_broker(network, site));
}

}  // namespace mqttbed::simulation
