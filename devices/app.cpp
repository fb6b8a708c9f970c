// The app's command loop and round-trip measurement over shadow documents.
#include "devices/app.h"

#include <algorithm>

#include "devices/naming.h"

namespace mqttbed::devices {
namespace {

using nlohmann::json;
constexpr int kShadowQos = 1;

// Does the shadow state `current` show `desired` carried out: reported holds every desired
// field, and no desired field of the document differs from reported (no delta left)?
bool carried_out(const json& desired, const json& current) {
  const json state = current.value("state", json::object());
  const json reported = state.value("reported", json::object());
  const json wanted = state.value("desired", json::object());
  for (const auto& [key, value] : desired.items()) {
    if (!reported.contains(key) || reported[key] != value) return false;
  }
  for (const auto& [key, value] : wanted.items()) {
    if (!reported.contains(key) || reported[key] != value) return false;
  }
  return true;
}

}  // namespace

App::App(DeviceContext context)
    : context_(std::move(context)),
      command_every_(context_.params.get_duration("command_every")),
      command_jitter_(context_.params.get_duration("command_jitter")),
      qos_(static_cast<int>(context_.params.get_int("qos"))),
      keeper_(context_.runtime, context_.rng, context_.mqtt, context_.identity.client_id, -1),
      command_timer_(context_.runtime),
      view_every_(context_.params.get_duration("view_every")),
      view_for_(context_.params.get_duration("view_for")),
      view_timer_(context_.runtime),
      reset_every_(context_.params.get_duration("reset_every")),
      reset_timer_(context_.runtime),
      reassembler_(context_.params.get_duration("reassembly_timeout")),
      expiry_timer_(context_.runtime),
      request_every_(context_.params.get_duration("request_every")),
      response_topic_("platform/" + context_.identity.account + "/" + context_.identity.client_id +
                      "/response"),
      request_timer_(context_.runtime) {
  const std::string account = "platform/" + context_.identity.account;
  std::vector<Subscription> subscriptions;
  if (context_.params.get_bool("watch_account")) subscriptions.push_back({account + "/#", qos_});
  // Overlaps platform/{account}/#: a 3.1.1 broker may send one copy per filter (MQTT-3.3.5-1).
  if (context_.params.get_bool("watch_gateways")) {
    subscriptions.push_back({account + "/+/gateway/status", qos_});
  }
  // The account filter already brings the responses; a second, overlapping filter would
  // let a broker send two copies (MQTT-3.3.4-2).
  if (request_every_.count() > 0 && !context_.params.get_bool("watch_account")) {
    subscriptions.push_back({response_topic_, qos_});
  }
  for (const std::string& thing : context_.home_things) {
    const auto parts = scenario::parse_client_id(thing);
    if (!parts || parts->home < 0) continue;
    const std::string home = home_name(parts->home);
    if (std::find(homes_.begin(), homes_.end(), home) == homes_.end()) homes_.push_back(home);
  }
  std::sort(homes_.begin(), homes_.end());
  // One subscription per thing: the authorizer refuses a wildcard in the thing position.
  for (const std::string& thing : context_.home_things) {
    subscriptions.push_back({shadow_topic(thing, "update/documents"), kShadowQos});
  }
  keeper_.set_subscriptions(std::move(subscriptions));
  keeper_.set_callbacks(
      {.on_online = [this](bool) { flush_reports(); },
       .on_offline = nullptr,
       .on_message = [this](const runtime::ReceivedMessage& message) { on_message(message); }});
}

void App::start() {
  keeper_.start();
  arm_command();
  arm_view();
  arm_reset();
  arm_request();
}

void App::reboot() {
  pending_.clear();  // forgotten commands are never measured, not measured wrong
  reassembler_.clear();
  unsent_reports_.clear();
  expiry_timer_.cancel();
  keeper_.restart();
  arm_command();
  arm_reset();
  arm_request();
}

void App::arm_request() {
  if (request_every_.count() <= 0) return;
  request_timer_.arm(request_every_, [this] {
    send_request();
    arm_request();
  });
}

void App::send_request() {
  std::vector<const std::string*> lights;
  for (const std::string& thing : context_.home_things) lights.push_back(&thing);
  if (!keeper_.online() || lights.empty()) return;
  auto pick = std::uniform_int_distribution<std::size_t>(0, lights.size() - 1);
  const auto parts = scenario::parse_client_id(*lights[pick(context_.rng)]);
  if (!parts || parts->home < 0) return;
  const std::string topic = "platform/" + context_.identity.account + "/" + home_name(parts->home) +
                            "/" + parts->kind + std::to_string(parts->index) + "/cmd";
  runtime::PublishOptions options;
  options.properties.response_topic = response_topic_;
  options.properties.correlation_data =
      context_.identity.client_id + "-req-" + std::to_string(++requests_);
  options.properties.user = {{"app", context_.identity.client_id}, {"request", "state"}};
  keeper_.publish(topic, json{{"request", "state"}}.dump(), qos_, false, options);
}

void App::disconnect_gracefully() { keeper_.disconnect(); }
void App::resume() { keeper_.resume(); }

void App::arm_command() {
  const runtime::Duration extra(std::uniform_int_distribution<std::int64_t>(
      0, std::max<std::int64_t>(0, command_jitter_.count()))(context_.rng));
  command_timer_.arm(command_every_ + extra, [this] {
    send_command();
    arm_command();
  });
}

void App::send_command() {
  if (!keeper_.online() || context_.home_things.empty()) return;
  auto pick = std::uniform_int_distribution<std::size_t>(0, context_.home_things.size() - 1);
  const std::string& thing = context_.home_things[pick(context_.rng)];
  const bool on = std::bernoulli_distribution(0.5)(context_.rng);
  const int brightness = std::uniform_int_distribution<int>(0, 100)(context_.rng);
  const json desired = {{"power", on ? "on" : "off"}, {"brightness", brightness}};
  const json update = {
      {"state", {{"desired", desired}}},
      {"clientToken", context_.identity.client_id + "-" + std::to_string(++commands_)}};
  // No "version": the app means "whatever the light is doing now, do this".
  if (!keeper_.publish(shadow_topic(thing, "update"), update.dump(), kShadowQos, false)) return;
  if (pending_.count(thing) != 0 && context_.observations.on_command_superseded) {
    context_.observations.on_command_superseded(context_.identity.client_id, thing);
  }
  pending_[thing] = {desired, context_.runtime.now()};
}

void App::on_message(const runtime::ReceivedMessage& message) {
  if (message.topic == response_topic_) {
    ++responses_;
    return;
  }
  std::string thing;
  std::string suffix;
  if (!parse_shadow_topic(message.topic, &thing, &suffix)) {
    ++platform_messages_;
    const std::string upload = "/gateway/upload";
    if (message.topic.size() > upload.size() &&
        message.topic.compare(message.topic.size() - upload.size(), upload.size(), upload) == 0) {
      on_chunk(message.payload);
    }
    return;
  }
  if (suffix != "update/documents") return;
  const json body = json::parse(message.payload, nullptr, /*allow_exceptions=*/false);
  if (body.is_object()) on_documents(thing, body);
}

void App::on_documents(const std::string& thing, const json& body) {
  const auto it = pending_.find(thing);
  if (it == pending_.end() || !body.contains("current")) return;
  if (!carried_out(it->second.desired, body["current"])) return;
  const CommandRoundTrip trip{context_.identity.client_id, thing, it->second.sent_at,
                              context_.runtime.now() - it->second.sent_at};
  pending_.erase(it);
  if (context_.observations.on_command_round_trip) {
    context_.observations.on_command_round_trip(trip);
  }
}

// The user resets one of their lights every `reset_every` (plus up to half of it, drawn):
// the app deletes its shadow (https://docs.aws.amazon.com/iot/latest/developerguide/
// device-shadow-mqtt.html#delete-pub-sub-topic). A command pending for it is forgotten.
void App::arm_reset() {
  if (reset_every_.count() <= 0 || context_.home_things.empty()) return;
  const runtime::Duration extra(
      std::uniform_int_distribution<std::int64_t>(0, reset_every_.count() / 2)(context_.rng));
  reset_timer_.arm(reset_every_ + extra, [this] {
    reset_thing();
    arm_reset();
  });
}

void App::reset_thing() {
  if (!keeper_.online()) return;
  auto pick = std::uniform_int_distribution<std::size_t>(0, context_.home_things.size() - 1);
  const std::string& thing = context_.home_things[pick(context_.rng)];
  const json request = {
      {"clientToken", context_.identity.client_id + "-" + std::to_string(++commands_)}};
  if (!keeper_.publish(shadow_topic(thing, "delete"), request.dump(), kShadowQos, false)) return;
  pending_.erase(thing);
}

// The user opens a home's view every `view_every` (plus up to half of it, drawn) and leaves
// it after `view_for`: the app subscribes to the home and unsubscribes again.
void App::arm_view() {
  if (view_every_.count() <= 0 || homes_.empty()) return;
  const runtime::Duration extra(
      std::uniform_int_distribution<std::int64_t>(0, view_every_.count() / 2)(context_.rng));
  view_timer_.arm(view_every_ + extra, [this] { open_view(); });
}

void App::open_view() {
  close_view();
  auto pick = std::uniform_int_distribution<std::size_t>(0, homes_.size() - 1);
  view_ = "platform/" + context_.identity.account + "/" + homes_[pick(context_.rng)] + "/#";
  keeper_.add_subscription({view_, qos_});
  view_timer_.arm(view_for_, [this] {
    close_view();
    arm_view();
  });
}

void App::close_view() {
  if (view_.empty()) return;
  keeper_.remove_subscription(view_);
  view_.clear();
}

void App::on_chunk(const std::string& payload) {
  if (auto done = reassembler_.add(payload, context_.runtime.now())) report(std::move(*done));
  arm_expiry();
}

void App::arm_expiry() {
  const auto deadline = reassembler_.next_deadline();
  if (!deadline) {
    expiry_timer_.cancel();
    return;
  }
  const runtime::Duration wait = std::max(runtime::Duration(0), *deadline - context_.runtime.now());
  expiry_timer_.arm(wait, [this] {
    for (std::string& lost : reassembler_.expire(context_.runtime.now())) report(std::move(lost));
    arm_expiry();
  });
}

void App::report(std::string report) {
  unsent_reports_.push_back(std::move(report));
  flush_reports();
}

void App::flush_reports() {
  const std::string topic = "platform/" + context_.identity.account + "/" +
                            context_.identity.client_id + "/upload_report";
  auto unsent = unsent_reports_.begin();
  while (unsent != unsent_reports_.end() && keeper_.publish(topic, *unsent, kShadowQos, false)) {
    ++unsent;
  }
  unsent_reports_.erase(unsent_reports_.begin(), unsent);
}

// Settle phase: no new periodic traffic; connection upkeep and replies go on.
void App::stop_workload() {
  command_timer_.cancel();
  view_timer_.cancel();
  request_timer_.cancel();
  reset_timer_.cancel();
}

}  // namespace mqttbed::devices
