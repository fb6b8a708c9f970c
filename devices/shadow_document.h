// AWS IoT Device Shadow semantics as plain data, no MQTT: documents per thing, updates
// with optimistic locking by version, deltas, and the payloads the service publishes.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace mqttbed::devices {

struct ShadowDocument {
  nlohmann::json desired = nlohmann::json::object();
  nlohmann::json reported = nlohmann::json::object();
  std::int64_t version = 0;  // 0 = no shadow yet; the first accepted update makes it 1
  std::int64_t timestamp_s = 0;
};

// Fields of `desired` whose value differs from `reported`, recursively for objects.
nlohmann::json shadow_delta(const nlohmann::json& desired, const nlohmann::json& reported);
// Merges `patch` into `target` as AWS does: objects merge field by field, null deletes.
void merge_shadow_state(nlohmann::json& target, const nlohmann::json& patch);

// What the service publishes for one request: on `suffix` topics of the thing.
struct ShadowReply {
  bool accepted = false;
  nlohmann::json response;                  // → update/accepted|rejected, get/accepted|rejected
  std::optional<nlohmann::json> documents;  // → update/documents (accepted updates)
  std::optional<nlohmann::json> delta;      // → update/delta (when desired != reported)
};

class ShadowStore {
 public:
  // Request payload {"state":{"desired":{..},"reported":{..}},"version":V?,"clientToken":..?}.
  // A "version" other than the current one is refused with 409 and changes nothing.
  // `bump_version` false keeps the version (only to prove the shadow checker can fail).
  ShadowReply update(const std::string& thing, const std::string& payload, std::int64_t now_s,
                     bool bump_version = true);
  // 404 when the thing has no shadow.
  ShadowReply get(const std::string& thing, const std::string& payload, std::int64_t now_s) const;

  const ShadowDocument* find(const std::string& thing) const;

 private:
  std::map<std::string, ShadowDocument> documents_;
};

}  // namespace mqttbed::devices
