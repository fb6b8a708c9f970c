// Retained store: a topic-ordered map, scanned only over the filter's literal prefix.
#include "sim/mqtt/retained_store.h"

#include <algorithm>

#include "sim/mqtt/topic.h"

namespace mqttbed::mqtt {

void RetainedStore::update(const Message& message) {
  if (message.payload.empty()) {
    messages_.erase(message.topic);  // MQTT-3.3.1-10, MQTT-3.3.1-11
    return;
  }
  Message& stored = messages_[message.topic];
  stored = message;
  stored.retain = true;
}

std::vector<Message> RetainedStore::matching(const std::string& filter) const {
  std::vector<Message> found;
  // Every matching topic starts with the filter's text before its first wildcard, so
  // only that range of the ordered map needs topic_matches(). "a/#" also matches "a"
  // (MQTT-4.7.1-2), so a '#' gives up the '/' before it.
  const std::size_t wildcard = filter.find_first_of("+#");
  std::size_t prefix_bytes = std::min(wildcard, filter.size());
  if (wildcard != std::string::npos && filter[wildcard] == '#' && wildcard > 0) --prefix_bytes;
  const std::string prefix = filter.substr(0, prefix_bytes);
  for (auto it = messages_.lower_bound(prefix);
       it != messages_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    if (topic_matches(filter, it->first)) found.push_back(it->second);  // retain stays 1
  }
  return found;
}

const Message* RetainedStore::find(const std::string& topic) const {
  auto it = messages_.find(topic);
  return it == messages_.end() ? nullptr : &it->second;
}

}  // namespace mqttbed::mqtt
