#include "sim/mqtt/subscription.h"

#include <algorithm>

namespace mqttbed::mqtt {

void SubscriberCopy::add(const SubscriptionEntry& entry, bool own, bool honour_no_local) {
  if (own && entry.no_local && honour_no_local) return;
  matched = true;
  qos = std::max(qos, entry.qos);
  retain_as_published = retain_as_published || entry.retain_as_published;
  if (entry.id != 0 && std::find(ids.begin(), ids.end(), entry.id) == ids.end()) {
    // Kept sorted: the order is not significant (MQTT-3.3.4-4), a fixed one is deterministic.
    ids.insert(std::upper_bound(ids.begin(), ids.end(), entry.id), entry.id);
  }
}

}  // namespace mqttbed::mqtt
