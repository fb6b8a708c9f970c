// The MQTT 5 PUBLISH properties the server must forward unaltered (§3.3.2.3): Response Topic,
// Correlation Data (MQTT-3.3.2-15, -16) and User Properties, in order (MQTT-3.3.2-17, -18).
// One plain value shared by devices (runtime API), the packets, the broker and the history.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mqttbed::mqtt {

struct ApplicationProperties {
  std::string response_topic;    // empty = none
  std::string correlation_data;  // binary; empty = none (a zero-length one is not sent)
  std::vector<std::pair<std::string, std::string>> user;  // in the publisher's order

  bool empty() const { return response_topic.empty() && correlation_data.empty() && user.empty(); }
  bool operator==(const ApplicationProperties&) const = default;
};

// The bytes these properties take in a v5 property block (identifier + length-prefixed
// fields, §2.2.2.2).
std::size_t wire_size(const ApplicationProperties& properties);

// A one-line text form for the history (correlation data hex-encoded): "" when empty.
std::string encode(const ApplicationProperties& properties);
// The inverse of encode(); nullopt for text it did not produce.
std::optional<ApplicationProperties> decode_properties(std::string_view text);

}  // namespace mqttbed::mqtt
