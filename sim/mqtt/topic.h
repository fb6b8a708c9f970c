// Topic names and topic filters (MQTT 3.1.1 §4.7, 5.0 §4.7): validation and matching.
#pragma once

#include <string>
#include <string_view>

namespace mqttbed::mqtt {

// "" when valid, else why not (e.g. "wildcard '+' in a topic name (MQTT-3.3.2-2)").
std::string topic_name_error(std::string_view topic);
std::string topic_filter_error(std::string_view filter);
inline bool is_valid_topic_name(std::string_view topic) { return topic_name_error(topic).empty(); }
inline bool is_valid_topic_filter(std::string_view filter) {
  return topic_filter_error(filter).empty();
}

// Does `filter` match `topic`? Both must be valid. '$'-topics are not matched by a filter
// starting with a wildcard (MQTT-4.7.2-1).
bool topic_matches(std::string_view filter, std::string_view topic);

}  // namespace mqttbed::mqtt
