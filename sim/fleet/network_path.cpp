#include "sim/fleet/network_path.h"

namespace mqttbed::fleet {

LinkPath access_links(const scenario::Network& network, Site site) {
  const auto& links = network.links;
  switch (site) {
    case Site::home:
      return {&links.at("lan"), &links.at("uplink")};
    case Site::phone:
      return {&links.at("uplink")};
    case Site::broker:
    case Site::cloud_service:
      return {&links.at("cloud")};
  }
  return {};
}

LinkPath path_to_broker(const scenario::Network& network, Site site) {
  LinkPath path = access_links(network, site);
  path.push_back(&network.links.at("cloud"));
  return path;
}

}  // namespace mqttbed::fleet
