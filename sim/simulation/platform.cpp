#include "sim/simulation/platform.h"

#include <simgrid/s4u/Link.hpp>
#include <simgrid/s4u/NetZone.hpp>

#include "sim/simulation/latency_sampler.h"

namespace mqttbed::simulation {

namespace sg = simgrid::s4u;

Platform::Platform(const scenario::Scenario& scenario, const std::vector<std::string>& phones)
    : homes_(scenario.fleet.homes) {
  const auto& links = scenario.network.links;
  const scenario::LinkClass* lan = &links.at("lan");
  const scenario::LinkClass* uplink = &links.at("uplink");
  const scenario::LinkClass* cloud = &links.at("cloud");
  // A star zone: a route between two hosts is the source's links then the destination's,
  // and its routing table stays linear in the number of hosts (a full zone is quadratic).
  zone_ = sg::create_star_zone("internet");
  add_node("broker", {cloud});
  add_node("shadow-service", {cloud});
  for (int h = 0; h < homes_; ++h) add_node("home" + std::to_string(h), {lan, uplink});
  for (const auto& phone : phones) add_node("phone-" + phone, {uplink});
  zone_->seal();
  // Paths to the broker: the node's own classes plus the broker's cloud link.
  for (auto& path : paths_) path.push_back(cloud);
  for (const auto& path : paths_) {
    Duration total{0};
    for (const auto* link_class : path) total += latency_floor(link_class->latency);
    latency_floors_.push_back(total);
  }
}

void Platform::add_node(const std::string& name,
                        const std::vector<const scenario::LinkClass*>& classes) {
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
  paths_.push_back(classes);
}

}  // namespace mqttbed::simulation
