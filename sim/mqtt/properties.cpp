// Wire size and history text of the forwarded PUBLISH properties.
#include "sim/mqtt/properties.h"

#include <nlohmann/json.hpp>

namespace mqttbed::mqtt {
namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string to_hex(std::string_view bytes) {
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const unsigned char c : bytes) {
    hex += kHex[c >> 4];
    hex += kHex[c & 0x0f];
  }
  return hex;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int high = nibble(hex[i]);
    const int low = nibble(hex[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes += static_cast<char>(high * 16 + low);
  }
  return bytes;
}

}  // namespace

std::size_t wire_size(const ApplicationProperties& p) {
  // Identifier byte + two length bytes + the bytes, for each string or binary field.
  std::size_t size = 0;
  if (!p.response_topic.empty()) size += 1 + 2 + p.response_topic.size();
  if (!p.correlation_data.empty()) size += 1 + 2 + p.correlation_data.size();
  for (const auto& [key, value] : p.user) size += 1 + 2 + key.size() + 2 + value.size();
  return size;
}

std::string encode(const ApplicationProperties& p) {
  if (p.empty()) return {};
  nlohmann::json json = nlohmann::json::object();
  if (!p.response_topic.empty()) json["rt"] = p.response_topic;
  if (!p.correlation_data.empty()) json["cd"] = to_hex(p.correlation_data);
  if (!p.user.empty()) {
    json["up"] = nlohmann::json::array();
    for (const auto& [key, value] : p.user) json["up"].push_back({key, value});
  }
  // Invalid UTF-8 in a topic or user property is replaced, not thrown on: the text is a
  // record, and a broker that mangled bytes shows as a difference.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<ApplicationProperties> decode_properties(std::string_view text) {
  ApplicationProperties p;
  if (text.empty()) return p;
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return std::nullopt;
  if (const auto rt = json.find("rt"); rt != json.end() && rt->is_string()) {
    p.response_topic = rt->get<std::string>();
  }
  if (const auto cd = json.find("cd"); cd != json.end() && cd->is_string()) {
    auto bytes = from_hex(cd->get<std::string>());
    if (!bytes) return std::nullopt;
    p.correlation_data = std::move(*bytes);
  }
  if (const auto up = json.find("up"); up != json.end() && up->is_array()) {
    for (const auto& pair : *up) {
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
        return std::nullopt;
      p.user.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    }
  }
  return p;
}

}  // namespace mqttbed::mqtt
