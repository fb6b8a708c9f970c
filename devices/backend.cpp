// The back end's shared subscription and its consumption count.
#include "devices/backend.h"

namespace mqttbed::devices {

Backend::Backend(DeviceContext context)
    : context_(std::move(context)),
      // The group is per account: back ends of two accounts never share a message.
      filter_("$share/" + context_.params.get_string("group") + "-" + context_.identity.account +
              "/platform/" + context_.identity.account + "/+/+/state"),
      keeper_(context_.runtime, context_.rng, context_.mqtt, context_.identity.client_id, -1) {
  keeper_.set_subscriptions({{filter_, static_cast<int>(context_.params.get_int("qos"))}});
  keeper_.set_callbacks({.on_online = nullptr,
                         .on_offline = nullptr,
                         .on_message = [this](const runtime::ReceivedMessage&) { ++consumed_; }});
}

void Backend::start() { keeper_.start(); }
void Backend::reboot() { keeper_.restart(); }
void Backend::disconnect_gracefully() { keeper_.disconnect(); }
void Backend::resume() { keeper_.resume(); }

}  // namespace mqttbed::devices
