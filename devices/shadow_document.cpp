// Shadow documents and their update rules (AWS IoT Device Shadow service semantics). Pages:
// document format and metadata:
//   https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html
// error codes (400, 404, 409, 413 "The payload exceeds the maximum size allowed"):
//   https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-error-messages.html
#include "devices/shadow_document.h"

namespace mqttbed::devices {
namespace {

using nlohmann::json;

// Every answer, accepted or rejected, echoes the request's clientToken.
void echo_token(json& response, const json& request) {
  if (request.is_object() && request.contains("clientToken")) {
    response["clientToken"] = request["clientToken"];
  }
}

json error_response(int code, const std::string& message, const json& request, std::int64_t now_s) {
  json response = {{"code", code}, {"message", message}, {"timestamp", now_s}};
  echo_token(response, request);
  return response;
}

json not_found(const std::string& shadow, const json& request, std::int64_t now_s) {
  const auto slash = shadow.find('/');
  const std::string name = slash == std::string::npos ? shadow : shadow.substr(slash + 1);
  return error_response(404, "No shadow exists with name: '" + name + "'", request, now_s);
}

json sections(const json& desired, const json& reported) {
  json out = json::object();
  if (!desired.empty()) out["desired"] = desired;
  if (!reported.empty()) out["reported"] = reported;
  return out;
}

json snapshot(const ShadowDocument& document) {
  return {{"state", sections(document.desired, document.reported)},
          {"metadata", sections(document.desired_metadata, document.reported_metadata)},
          {"version", document.version},
          {"timestamp", document.timestamp_s}};
}

// The metadata a patch leaves: every leaf it sets becomes {"timestamp": now}; null stays null
// (the field and its metadata go together).
json metadata_patch(const json& patch, std::int64_t now_s) {
  if (patch.is_null()) return patch;
  if (!patch.is_object()) return json{{"timestamp", now_s}};
  json out = json::object();
  for (const auto& [key, value] : patch.items()) out[key] = metadata_patch(value, now_s);
  return out;
}

// A leaf turned into an object (or back) must not keep its old metadata shape.
void merge_metadata(json& target, const json& patch, const json& state_patch) {
  if (patch.is_null()) {
    target = json::object();
    return;
  }
  for (const auto& [key, value] : patch.items()) {
    const json& state_value = state_patch[key];
    if (!state_value.is_object() && !value.is_null()) {
      target[key] = value;  // a leaf: replaced whole
    } else if (value.is_null()) {
      target.erase(key);
    } else {
      if (!target.contains(key) || target[key].contains("timestamp")) target[key] = json::object();
      merge_metadata(target[key], value, state_value);
    }
  }
}

// "" when the request is well formed, else why not (answered with 400).
std::string request_error(const json& request) {
  if (!request.is_object()) return "Payload is not a JSON object";
  if (!request.contains("state") || !request["state"].is_object()) return "Missing state";
  for (const auto& [section, value] : request["state"].items()) {
    if (section != "desired" && section != "reported") return "Unknown state section";
    if (!value.is_object() && !value.is_null()) return "State section is not an object";
  }
  if (request.contains("version") && !request["version"].is_number_integer()) {
    return "Invalid version";
  }
  return "";
}

}  // namespace

json shadow_delta(const json& desired, const json& reported) {
  json delta = json::object();
  if (!desired.is_object()) return delta;
  for (const auto& [key, want] : desired.items()) {
    const bool have = reported.is_object() && reported.contains(key);
    if (want.is_object() && have && reported[key].is_object()) {
      json inner = shadow_delta(want, reported[key]);
      if (!inner.empty()) delta[key] = inner;
    } else if (!have || reported[key] != want) {
      delta[key] = want;
    }
  }
  return delta;
}

void merge_shadow_state(json& target, const json& patch) {
  if (patch.is_null()) {
    target = json::object();
    return;
  }
  for (const auto& [key, value] : patch.items()) {
    if (value.is_null()) {
      target.erase(key);
    } else if (value.is_object() && target.contains(key) && target[key].is_object()) {
      merge_shadow_state(target[key], value);
    } else {
      target[key] = value;
    }
  }
}

ShadowReply ShadowStore::update(const std::string& shadow, const std::string& payload,
                                std::int64_t now_s, bool bump_version) {
  ShadowReply reply;
  const json request = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (const std::string error = request_error(request); !error.empty()) {
    reply.response = error_response(400, error, request, now_s);
    return reply;
  }
  const auto found = documents_.find(shadow);
  ShadowDocument document = found == documents_.end() ? ShadowDocument{} : found->second;
  if (request.contains("version") && request["version"].get<std::int64_t>() != document.version) {
    reply.response = error_response(409, "Version conflict", request, now_s);
    return reply;
  }
  const json previous = snapshot(document);
  const json& state = request["state"];
  json metadata = json::object();
  for (const char* section : {"desired", "reported"}) {
    if (!state.contains(section)) continue;
    const bool desired = section[0] == 'd';
    merge_shadow_state(desired ? document.desired : document.reported, state[section]);
    metadata[section] = metadata_patch(state[section], now_s);
    merge_metadata(desired ? document.desired_metadata : document.reported_metadata,
                   metadata[section], state[section]);
  }
  // The limit holds for the document the update would leave, metadata not counted (a small
  // update to a full shadow is refused too).
  if (sections(document.desired, document.reported).dump().size() > state_limit_bytes_) {
    reply.response =
        error_response(413, "The payload exceeds the maximum size allowed", request, now_s);
    return reply;
  }
  if (bump_version || document.version == 0) ++document.version;
  document.exists = true;
  document.timestamp_s = now_s;
  documents_[shadow] = document;

  reply.accepted = true;
  reply.response = {{"state", state},
                    {"metadata", metadata},
                    {"version", document.version},
                    {"timestamp", now_s}};
  echo_token(reply.response, request);
  reply.documents =
      json{{"previous", previous}, {"current", snapshot(document)}, {"timestamp", now_s}};
  // Published after every accepted update that leaves desired != reported, so a device that
  // reported a stale state is told again (AWS sends it for updates touching desired).
  const json delta = shadow_delta(document.desired, document.reported);
  if (!delta.empty()) {
    reply.delta = json{{"state", delta}, {"version", document.version}, {"timestamp", now_s}};
  }
  return reply;
}

ShadowReply ShadowStore::get(const std::string& shadow, const std::string& payload,
                             std::int64_t now_s) const {
  ShadowReply reply;
  const json request = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  const ShadowDocument* document = find(shadow);
  if (document == nullptr) {
    reply.response = not_found(shadow, request, now_s);
    return reply;
  }
  reply.accepted = true;
  reply.response = snapshot(*document);
  reply.response["timestamp"] = now_s;  // the answer's time; metadata holds the fields' times
  const json delta = shadow_delta(document->desired, document->reported);
  if (!delta.empty()) reply.response["state"]["delta"] = delta;
  echo_token(reply.response, request);
  return reply;
}

ShadowReply ShadowStore::remove(const std::string& shadow, const std::string& payload,
                                std::int64_t now_s) {
  ShadowReply reply;
  const json request = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  const auto it = documents_.find(shadow);
  if (it == documents_.end() || !it->second.exists) {
    reply.response = not_found(shadow, request, now_s);
    return reply;
  }
  // Only the version survives, so the next update counts on from it.
  ShadowDocument gone;
  gone.version = it->second.version;
  it->second = gone;
  reply.accepted = true;
  reply.response = {{"version", gone.version}, {"timestamp", now_s}};
  echo_token(reply.response, request);
  return reply;
}

const ShadowDocument* ShadowStore::find(const std::string& shadow) const {
  const auto it = documents_.find(shadow);
  return it == documents_.end() || !it->second.exists ? nullptr : &it->second;
}

}  // namespace mqttbed::devices
