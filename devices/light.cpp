// The light's shadow dialogue: /get on every connect, apply deltas, report with the version.
#include "devices/light.h"

#include <algorithm>

#include "devices/naming.h"

namespace mqttbed::devices {
namespace {

using nlohmann::json;
constexpr int kShadowQos = 1;
// The light's named shadow for its configuration: a document of its own, with its own version
// (https://docs.aws.amazon.com/iot/latest/developerguide/iot-device-shadows.html, named shadows).
constexpr char kConfigShadow[] = "name/config/";

}  // namespace

Light::Light(DeviceContext context)
    : context_(std::move(context)),
      report_every_(context_.params.get_duration("report_every")),
      shadow_timeout_(context_.params.get_duration("shadow_timeout")),
      qos_(static_cast<int>(context_.params.get_int("qos"))),
      config_shadow_(context_.params.get_bool("config_shadow")),
      keeper_(context_.runtime, context_.rng, context_.mqtt, context_.identity.client_id,
              context_.identity.home),
      report_timer_(context_.runtime),
      answer_timer_(context_.runtime) {
  const std::string& thing = context_.identity.client_id;
  std::vector<Subscription> subscriptions = {{shadow_topic(thing, "update/delta"), kShadowQos},
                                             {shadow_topic(thing, "update/accepted"), kShadowQos},
                                             {shadow_topic(thing, "update/rejected"), kShadowQos},
                                             {shadow_topic(thing, "get/accepted"), kShadowQos},
                                             {shadow_topic(thing, "get/rejected"), kShadowQos},
                                             {shadow_topic(thing, "delete/accepted"), kShadowQos},
                                             {command_topic(context_.identity), qos_}};
  if (config_shadow_) {
    for (const char* answer : {"update/accepted", "update/rejected"}) {
      subscriptions.push_back(
          {shadow_topic(thing, std::string(kConfigShadow) + answer), kShadowQos});
    }
  }
  keeper_.set_subscriptions(std::move(subscriptions));
  keeper_.set_callbacks(
      {.on_online = [this](bool) { on_online(); },
       .on_offline = nullptr,
       .on_message = [this](const runtime::ReceivedMessage& message) { on_message(message); }});
}

void Light::start() {
  keeper_.start();
  arm_report();
}

void Light::reboot() {
  // Memory is gone: the light wakes up off, knowing no version, and asks its shadow again.
  power_on_ = false;
  brightness_ = 0;
  version_ = 0;
  config_stored_ = false;
  unanswered_.clear();
  answer_timer_.cancel();
  keeper_.restart();
  arm_report();
}

void Light::disconnect_gracefully() { keeper_.disconnect(); }
void Light::resume() { keeper_.resume(); }

void Light::arm_report() {
  report_timer_.arm(report_every_, [this] {
    publish_state();
    arm_report();
  });
}

void Light::on_online() {
  // Whatever happened while we were away, the shadow knows: reconcile on every connect.
  unanswered_.clear();
  request_shadow();
  if (config_shadow_ && !config_stored_) report_config();
  publish_state();
}

void Light::report_config() {
  const std::string token = next_token();
  const json update = {{"state", {{"reported", {{"firmware", "1.0.0"}, {"fade_ms", 300}}}}},
                       {"clientToken", token}};
  if (keeper_.publish(
          shadow_topic(context_.identity.client_id, std::string(kConfigShadow) + "update"),
          update.dump(), kShadowQos, false)) {
    await_answer(token);
  }
}

void Light::request_shadow() {
  const std::string token = next_token();
  const json request = {{"clientToken", token}};
  if (keeper_.publish(shadow_topic(context_.identity.client_id, "get"), request.dump(), kShadowQos,
                      false)) {
    await_answer(token);
  }
}

std::string Light::next_token() {
  return context_.identity.client_id + "-" + std::to_string(++tokens_);
}

void Light::await_answer(const std::string& token) {
  unanswered_.insert(token);
  answer_timer_.arm(shadow_timeout_, [this] { on_answer_timeout(); });
}

void Light::on_answer(const json& body) {
  if (!body.contains("clientToken") || !body["clientToken"].is_string()) return;
  unanswered_.erase(body["clientToken"].get<std::string>());
  if (unanswered_.empty()) answer_timer_.cancel();
}

void Light::on_answer_timeout() {
  unanswered_.clear();
  // Offline, the next connect asks anyway.
  if (keeper_.online()) request_shadow();
}

void Light::on_message(const runtime::ReceivedMessage& message) {
  const json body = json::parse(message.payload, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return;
  std::string thing;
  std::string suffix;
  if (parse_shadow_topic(message.topic, &thing, &suffix)) {
    if (thing != context_.identity.client_id) return;
    if (suffix.rfind(kConfigShadow, 0) == 0) {
      // Its own versions: never mixed with the classic shadow's.
      on_answer(body);
      if (suffix == std::string(kConfigShadow) + "update/accepted") config_stored_ = true;
      return;
    }
    on_shadow(suffix, body);
    return;
  }
  // MQTT 5 request/response (§4.10.2): answer on the Response Topic, echoing the Correlation
  // Data, whatever the request asked.
  if (message.topic == command_topic(context_.identity) &&
      !message.properties.response_topic.empty()) {
    json state = local_state();
    state["version"] = version_;
    runtime::PublishOptions options;
    options.properties.correlation_data = message.properties.correlation_data;
    options.properties.user = {{"light", context_.identity.client_id}, {"answer", "state"}};
    keeper_.publish(message.properties.response_topic, state.dump(), qos_, false, options);
    return;
  }
  if (message.topic == command_topic(context_.identity) && apply(body)) {
    // A local command (through the gateway): tell the shadow without locking, as a switch
    // flipped by hand would; the shadow answers with a delta if desired disagrees.
    report_to_shadow(/*with_version=*/false);
    publish_state();
  }
}

void Light::on_shadow(const std::string& suffix, const json& body) {
  on_answer(body);
  if (body.contains("version") && body["version"].is_number_integer()) {
    version_ = std::max(version_, body["version"].get<std::int64_t>());
  }
  if (suffix == "update/delta") {
    const json wanted = body.value("state", json::object());
    if (!wanted.is_object()) return;
    const bool changed = apply(wanted);
    // Report when we changed, or when we already are as desired (the shadow's reported is
    // stale). A desire we cannot meet (an unknown field) gets no report, or every report
    // would draw the same delta again.
    const json mine = local_state();
    bool already_there = false;
    for (const auto& [key, value] : wanted.items()) {
      if (mine.contains(key) && mine[key] == value) already_there = true;
    }
    if (changed || already_there) {
      report_to_shadow(/*with_version=*/true);
      publish_state();
    }
  } else if (suffix == "get/accepted") {
    on_get_accepted(body);
  } else if (suffix == "get/rejected") {
    // 404: no shadow yet; ours is the first report.
    report_to_shadow(/*with_version=*/false);
  } else if (suffix == "delete/accepted") {
    // Someone reset the shadow: make it again from what the light is doing. Without a version:
    // the deleted shadow's version counts on, so any version known here may be stale.
    report_to_shadow(/*with_version=*/false);
  } else if (suffix == "update/rejected" && body.value("code", 0) == 409) {
    // Someone changed the shadow since the version we saw: look again, then report.
    request_shadow();
  }
}

void Light::on_get_accepted(const json& body) {
  const json state = body.value("state", json::object());
  if (state.contains("desired")) apply(state["desired"]);
  const json reported = state.value("reported", json::object());
  const json mine = local_state();
  bool same = true;
  for (const auto& [key, value] : mine.items()) {
    if (!reported.contains(key) || reported[key] != value) same = false;
  }
  // Reporting only differences keeps a light and its shadow from talking forever.
  if (!same) {
    report_to_shadow(/*with_version=*/true);
    publish_state();
  }
}

bool Light::apply(const json& fields) {
  bool changed = false;
  if (fields.contains("power") && fields["power"].is_string()) {
    const bool on = fields["power"] == "on";
    changed |= on != power_on_;
    power_on_ = on;
  }
  if (fields.contains("brightness") && fields["brightness"].is_number_integer()) {
    const int level = std::clamp(fields["brightness"].get<int>(), 0, 100);
    changed |= level != brightness_;
    brightness_ = level;
  }
  return changed;
}

json Light::local_state() const {
  return {{"power", power_on_ ? "on" : "off"}, {"brightness", brightness_}};
}

void Light::report_to_shadow(bool with_version) {
  const std::string token = next_token();
  json update = {{"state", {{"reported", local_state()}}}, {"clientToken", token}};
  if (with_version && version_ > 0) update["version"] = version_;
  if (keeper_.publish(shadow_topic(context_.identity.client_id, "update"), update.dump(),
                      kShadowQos, false)) {
    await_answer(token);
  }
}

void Light::publish_state() {
  json state = local_state();
  state["version"] = version_;
  keeper_.publish(state_topic(context_.identity), state.dump(), qos_, false);
}

// Settle phase: no new periodic traffic; connection upkeep and replies go on.
void Light::stop_workload() { report_timer_.cancel(); }

}  // namespace mqttbed::devices
