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
  std::vector<Subscription> subscriptions;
  for (const auto& thing : things) {
    subscriptions.push_back({shadow_topic(thing, "update"), kShadowQos});
    subscriptions.push_back({shadow_topic(thing, "get"), kShadowQos});
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
  const auto now_s =
      std::chrono::duration_cast<std::chrono::seconds>(context_.runtime.now()).count();
  if (suffix == "update") {
    // The deliberate bug (misbehave): every second accepted update keeps the version (a deliberate
    // bug).
    const bool bump = !reuse_version_ || accepted_updates_ % 2 == 0;
    const ShadowReply reply = store_.update(thing, message.payload, now_s, bump);
    if (reply.accepted) ++accepted_updates_;
    publish_reply(thing, "update", reply);
  } else if (suffix == "get") {
    publish_reply(thing, "get", store_.get(thing, message.payload, now_s));
  }
}

void ShadowService::publish_reply(const std::string& thing, const std::string& operation,
                                  const ShadowReply& reply) {
  const std::string outcome = reply.accepted ? "/accepted" : "/rejected";
  keeper_.publish(shadow_topic(thing, operation + outcome), reply.response.dump(), kShadowQos,
                  false);
  if (reply.documents) {
    keeper_.publish(shadow_topic(thing, "update/documents"), reply.documents->dump(), kShadowQos,
                    false);
  }
  if (reply.delta) {
    keeper_.publish(shadow_topic(thing, "update/delta"), reply.delta->dump(), kShadowQos, false);
  }
}

}  // namespace mqttbed::devices
