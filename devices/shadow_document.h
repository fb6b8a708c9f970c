// AWS IoT Device Shadow semantics as plain data, no MQTT: documents per thing and shadow name,
// updates with optimistic locking by version, deltas, metadata, delete, the state size limit,
// and the payloads the service publishes.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace mqttbed::devices {

// AWS: "The device's shadow supports 8 KB of data only ... Only the data for desired and
// reported state inside the state document sent to the device's shadow counts toward the
// limit" (metadata does not):
// https://docs.aws.amazon.com/iot/latest/developerguide/diagnosing-shadows.html
inline constexpr std::size_t kAwsShadowStateLimitBytes = 8 * 1024;

struct ShadowDocument {
  nlohmann::json desired = nlohmann::json::object();
  nlohmann::json reported = nlohmann::json::object();
  // Same shape as desired/reported, each leaf {"timestamp": seconds of its last update}.
  nlohmann::json desired_metadata = nlohmann::json::object();
  nlohmann::json reported_metadata = nlohmann::json::object();
  // Counts on across a delete (AWS keeps a deleted shadow's version for 48 hours: "the version
  // number of the new device shadow document will follow that of the deleted one",
  // https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-data-flow.html).
  std::int64_t version = 0;
  bool exists = false;  // false: never created, or deleted
  std::int64_t timestamp_s = 0;
};

// Fields of `desired` whose value differs from `reported`, recursively for objects.
nlohmann::json shadow_delta(const nlohmann::json& desired, const nlohmann::json& reported);
// Merges `patch` into `target` as AWS does: objects merge field by field, null deletes.
void merge_shadow_state(nlohmann::json& target, const nlohmann::json& patch);

// What the service publishes for one request: on `suffix` topics of the shadow.
struct ShadowReply {
  bool accepted = false;
  nlohmann::json response;                  // → {update,get,delete}/{accepted,rejected}
  std::optional<nlohmann::json> documents;  // → update/documents (accepted updates)
  std::optional<nlohmann::json> delta;      // → update/delta (when desired != reported)
};

// The shadows of every thing, keyed by "thing" (the classic shadow) or "thing/name" (a named
// shadow: an independent document with its own version).
class ShadowStore {
 public:
  explicit ShadowStore(std::size_t state_limit_bytes = kAwsShadowStateLimitBytes)
      : state_limit_bytes_(state_limit_bytes) {}

  // Request payload {"state":{"desired":{..},"reported":{..}},"version":V?,"clientToken":..?}.
  // A "version" other than the current one is refused with 409 and changes nothing; a merged
  // state over the limit with 413, changing nothing.
  // `bump_version` false keeps the version (only to prove the shadow checker can fail).
  ShadowReply update(const std::string& shadow, const std::string& payload, std::int64_t now_s,
                     bool bump_version = true);
  // 404 when the shadow does not exist.
  ShadowReply get(const std::string& shadow, const std::string& payload, std::int64_t now_s) const;
  // delete/accepted {version, timestamp, clientToken?}, or 404 when the shadow does not exist.
  ShadowReply remove(const std::string& shadow, const std::string& payload, std::int64_t now_s);

  const ShadowDocument* find(const std::string& shadow) const;

 private:
  std::size_t state_limit_bytes_;
  std::map<std::string, ShadowDocument> documents_;
};

}  // namespace mqttbed::devices
