#include "sim/live/live_runtime.h"

namespace mqttbed::live {

LiveRuntime::LiveRuntime(LiveLoop& loop, history::History& history, const LiveOptions& options,
                         std::string server_uri, FaultProxy* proxy)
    : loop_(loop), context_{loop, history, options, std::move(server_uri), proxy} {}

void LiveRuntime::set_routes(std::string server_uri, FaultProxy* proxy, std::string direct_uri,
                             std::unordered_set<std::string> proxied) {
  context_.server_uri = std::move(server_uri);
  context_.proxy = proxy;
  context_.direct_uri = std::move(direct_uri);
  context_.proxied = std::move(proxied);
}

std::unique_ptr<runtime::MqttClient> LiveRuntime::make_client(const std::string& client_id,
                                                              int /*home*/) {
  // Live, every client is on this machine; where it sits in the fleet matters to faults
  // only, and the fault injector finds its connections by client id.
  return std::make_unique<LiveMqttClient>(client_id, context_);
}

}  // namespace mqttbed::live
