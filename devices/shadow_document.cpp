// Shadow documents and their update rules (AWS IoT Device Shadow service semantics).
#include "devices/shadow_document.h"

namespace mqttbed::devices {
namespace {

using nlohmann::json;

json error_response(int code, const std::string& message, const json& request, std::int64_t now_s) {
  json response = {{"code", code}, {"message", message}, {"timestamp", now_s}};
  if (request.is_object() && request.contains("clientToken")) {
    response["clientToken"] = request["clientToken"];
  }
  return response;
}

json full_state(const ShadowDocument& document) {
  json state = json::object();
  if (!document.desired.empty()) state["desired"] = document.desired;
  if (!document.reported.empty()) state["reported"] = document.reported;
  return state;
}

json snapshot(const ShadowDocument& document) {
  return {{"state", full_state(document)},
          {"version", document.version},
          {"timestamp", document.timestamp_s}};
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

ShadowReply ShadowStore::update(const std::string& thing, const std::string& payload,
                                std::int64_t now_s, bool bump_version) {
  ShadowReply reply;
  const json request = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (const std::string error = request_error(request); !error.empty()) {
    reply.response = error_response(400, error, request, now_s);
    return reply;
  }
  ShadowDocument& document = documents_[thing];  // version 0 until the first accepted update
  if (request.contains("version") && request["version"].get<std::int64_t>() != document.version) {
    if (document.version == 0) documents_.erase(thing);
    reply.response = error_response(409, "Version conflict", request, now_s);
    return reply;
  }
  const json previous = snapshot(document);
  const json& state = request["state"];
  if (state.contains("desired")) merge_shadow_state(document.desired, state["desired"]);
  if (state.contains("reported")) merge_shadow_state(document.reported, state["reported"]);
  if (bump_version || document.version == 0) ++document.version;
  document.timestamp_s = now_s;

  reply.accepted = true;
  reply.response = {{"state", state}, {"version", document.version}, {"timestamp", now_s}};
  if (request.contains("clientToken")) reply.response["clientToken"] = request["clientToken"];
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

ShadowReply ShadowStore::get(const std::string& thing, const std::string& payload,
                             std::int64_t now_s) const {
  ShadowReply reply;
  const json request = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  const ShadowDocument* document = find(thing);
  if (document == nullptr) {
    reply.response =
        error_response(404, "No shadow exists with name: '" + thing + "'", request, now_s);
    return reply;
  }
  reply.accepted = true;
  reply.response = snapshot(*document);
  const json delta = shadow_delta(document->desired, document->reported);
  if (!delta.empty()) reply.response["state"]["delta"] = delta;
  if (request.is_object() && request.contains("clientToken")) {
    reply.response["clientToken"] = request["clientToken"];
  }
  return reply;
}

const ShadowDocument* ShadowStore::find(const std::string& thing) const {
  const auto it = documents_.find(thing);
  return it == documents_.end() || it->second.version == 0 ? nullptr : &it->second;
}

}  // namespace mqttbed::devices
