// Topic names and topic filters (MQTT 3.1.1 §4.7, 5.0 §4.7): validation and matching.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mqttbed::mqtt {

// "" when valid, else why not, with the spec id (e.g. "wildcard '+' in a topic name
// (MQTT-3.3.2-2)"). Both reject: empty (MQTT-4.7.3-1), U+0000 (MQTT-4.7.3-2), over 65535
// bytes (MQTT-4.7.3-3), ill-formed UTF-8 or surrogates (MQTT-1.5.3-1). Names also reject
// '+' and '#' (MQTT-3.3.2-2); filters reject '#' not alone in the last level (MQTT-4.7.1-2)
// and '+' not alone in its level (MQTT-4.7.1-3). Empty levels ("a//b", "/a") are valid.
std::string topic_name_error(std::string_view topic);
std::string topic_filter_error(std::string_view filter);
inline bool is_valid_topic_name(std::string_view topic) { return topic_name_error(topic).empty(); }
inline bool is_valid_topic_filter(std::string_view filter) {
  return topic_filter_error(filter).empty();
}

// Does `filter` match `topic`? Both must be valid (false for an empty one). '+' matches one
// level, '#' this level and all below including none ("sport/#" matches "sport",
// MQTT-4.7.1-2); '$'-topics are not matched by a filter starting with a wildcard
// (MQTT-4.7.2-1).
bool topic_matches(std::string_view filter, std::string_view topic);

// MQTT 5 Shared Subscription (§4.8.2): "$share/{ShareName}/{filter}". The ShareName is at
// least one character without '/', '+' or '#', then '/' and a topic filter (MQTT-4.8.2-1,
// -2).
struct SharedFilter {
  std::string group;   // the ShareName
  std::string filter;  // the topic filter messages are matched against
};
// The share's parts when `filter` starts with "$share/"; nullopt for any other filter.
// `error`, when given, says why a "$share/" filter is malformed ("" when it is well formed).
std::optional<SharedFilter> parse_shared(std::string_view filter, std::string* error = nullptr);
// The filter an authorization policy judges for a SUBSCRIBE: a share's topic filter (what its
// members may receive, as mosquitto checks it), else `filter` itself.
std::string authorized_filter(std::string_view filter);

}  // namespace mqttbed::mqtt
