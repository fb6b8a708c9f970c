// runtime::Runtime in real time: the LiveLoop's clock and timers, and Paho-backed MQTT
// clients that reach the broker directly or through the fault proxy.
#pragma once

#include <memory>
#include <string>
#include <unordered_set>

#include "sim/history/history.h"
#include "sim/live/live_client.h"
#include "sim/live/live_loop.h"
#include "sim/live/live_options.h"
#include "sim/runtime/runtime.h"

namespace mqttbed::live {

class LiveRuntime final : public runtime::Runtime {
 public:
  // `server_uri`: where clients connect (the broker's URL, or the proxy's); `proxy` may be
  // null (no network faults, reboots then end connections with DISCONNECT).
  LiveRuntime(LiveLoop& loop, history::History& history, const LiveOptions& options,
              std::string server_uri, FaultProxy* proxy);

  runtime::TimePoint now() const override { return loop_.now(); }
  runtime::TimerId schedule(runtime::Duration delay, std::function<void()> callback) override {
    return loop_.schedule(delay, std::move(callback));
  }
  void cancel(runtime::TimerId id) override { loop_.cancel(id); }
  std::unique_ptr<runtime::MqttClient> make_client(const std::string& client_id, int home) override;

  // Where clients connect from their first connect() on: `server_uri` (the broker or the
  // fault proxy, `proxy` may be null); with `direct_uri` set, only the clients named in
  // `proxied` use server_uri and the rest connect to direct_uri (the broker itself).
  void set_routes(std::string server_uri, FaultProxy* proxy, std::string direct_uri = {},
                  std::unordered_set<std::string> proxied = {});

  int connected_clients() const { return context_.connected.load(); }
  // The run is over: clients destroyed from now on record nothing.
  void end_run() { context_.run_over = true; }

 private:
  LiveLoop& loop_;
  ClientContext context_;
};

}  // namespace mqttbed::live
