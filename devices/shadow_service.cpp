// The shadow service: requests in on update/get, answers out on the AWS reply topics.
#include "devices/shadow_service.h"

#include <chrono>

#include "devices/naming.h"

namespace mqttbed::devices {
namespace {
constexpr int kShadowQos = 1;  // AWS IoT has no QoS 2
}

ShadowService::ShadowService(DeviceContext context)
    : context_(std::move(context)),
      reuse_version_(context_.misbehave),
      keeper_(context_.runtime, context_.rng, context_.mqtt, context_.identity.client_id, -1) {
  // Things named (one shard of a sharded run, sim/fleet/shard.h): exactly their shadows.
  std::vector<std::string> things = context_.home_things;
  if (things.empty()) things.emplace_back("+");
  // Classic and named shadows take the same three requests
  // (https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-mqtt.html).
  std::vector<Subscription> subscriptions;
  for (const auto& thing : things) {
    for (const char* prefix : {"", "name/+/"}) {
      for (const char* operation : {"update", "get", "delete"}) {
        subscriptions.push_back({shadow_topic(thing, std::string(prefix) + operation), kShadowQos});
      }
    }
  }
  keeper_.set_subscriptions(std::move(subscriptions));
  keeper_.set_callbacks(
      {.on_online = nullptr,
       .on_offline = nullptr,
       .on_message = [this](const runtime::ReceivedMessage& message) { handle(message); }});
}

void ShadowService::start() { keeper_.start(); }
void ShadowService::reboot() { keeper_.restart(); }  // documents are durable storage
void ShadowService::disconnect_gracefully() { keeper_.disconnect(); }
void ShadowService::resume() { keeper_.resume(); }

void ShadowService::handle(const runtime::ReceivedMessage& message) {
  std::string thing;
  std::string suffix;
  if (!parse_shadow_topic(message.topic, &thing, &suffix)) return;
  // A named shadow ("name/{name}/{operation}") is its own document, stored as "thing/name".
  std::string key = thing;
  std::string prefix;
  if (suffix.rfind("name/", 0) == 0) {
    const auto slash = suffix.find('/', 5);
    if (slash == std::string::npos || slash == 5) return;
    key += "/" + suffix.substr(5, slash - 5);
    prefix = suffix.substr(0, slash + 1);
    suffix = suffix.substr(slash + 1);
  }
  const auto now_s =
      std::chrono::duration_cast<std::chrono::seconds>(context_.runtime.now()).count();
  ShadowReply reply;
  if (suffix == "update") {
    // The deliberate bug (misbehave): every second accepted update keeps the version.
    const bool bump = !reuse_version_ || accepted_updates_ % 2 == 0;
    reply = store_.update(key, message.payload, now_s, bump);
    if (reply.accepted) ++accepted_updates_;
  } else if (suffix == "get") {
    reply = store_.get(key, message.payload, now_s);
  } else if (suffix == "delete") {
    reply = store_.remove(key, message.payload, now_s);
  } else {
    return;
  }
  publish_reply(shadow_topic(thing, prefix), suffix, reply);
}

void ShadowService::publish_reply(const std::string& base, const std::string& operation,
                                  const ShadowReply& reply) {
  const std::string outcome = reply.accepted ? "/accepted" : "/rejected";
  keeper_.publish(base + operation + outcome, reply.response.dump(), kShadowQos, false);
  if (reply.documents) {
    keeper_.publish(base + "update/documents", reply.documents->dump(), kShadowQos, false);
  }
  if (reply.delta) {
    keeper_.publish(base + "update/delta", reply.delta->dump(), kShadowQos, false);
  }
}

}  // namespace mqttbed::devices
