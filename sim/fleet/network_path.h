// Where a device sits in the network and which link classes its packets cross to reach the
// broker: a home device behind its LAN and ISP uplink, a phone on a mobile uplink, a cloud
// service beside the broker. The simulator builds its platform from this layout and live
// runs emulate its latency in the fault proxy, so both see the same paths.
#pragma once

#include <vector>

#include "sim/scenario/scenario.h"

namespace mqttbed::fleet {

enum class Site { broker, cloud_service, home, phone };

using LinkPath = std::vector<const scenario::LinkClass*>;

// The link classes of the site's own access (lan + uplink for a home, uplink for a phone,
// cloud for the broker and services). The network must define lan, uplink and cloud.
LinkPath access_links(const scenario::Network& network, Site site);
// A packet's one-way path between the site and the broker: its access, then the broker's.
LinkPath path_to_broker(const scenario::Network& network, Site site);

// The site of a fleet slot's device (`home` < 0: a per-account device, on a phone).
inline Site site_of_slot(int home) { return home >= 0 ? Site::home : Site::phone; }

}  // namespace mqttbed::fleet
