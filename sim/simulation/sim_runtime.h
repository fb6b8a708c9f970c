// runtime::Runtime in simulation: virtual time and timers from the EventLoop, MQTT clients
// placed on the platform node of their device (home, phone, or cloud service host).
#pragma once

#include <string>
#include <unordered_map>

#include "sim/history/history.h"
#include "sim/runtime/runtime.h"
#include "sim/simulation/event_loop.h"
#include "sim/simulation/platform.h"
#include "sim/simulation/sim_client.h"
#include "sim/simulation/transport.h"

namespace mqttbed::simulation {

class SimRuntime final : public runtime::Runtime {
 public:
  // `phone_nodes`: the node of each per-account client (apps), by client id.
  SimRuntime(EventLoop& loop, Transport& transport, const Platform& platform,
             history::History& history, std::unordered_map<std::string, NodeId> phone_nodes);

  runtime::TimePoint now() const override { return loop_.now(); }
  runtime::TimerId schedule(runtime::Duration delay, std::function<void()> callback) override {
    return loop_.schedule(delay, std::move(callback));
  }
  void cancel(runtime::TimerId id) override { loop_.cancel(id); }
  std::unique_ptr<runtime::MqttClient> make_client(const std::string& client_id, int home) override;

  // The live client of a device, or nullptr (not created, or between reboots).
  SimMqttClient* client(const std::string& client_id) const;
  // Every client's CONNECT carries the credentials this fills in (see Directory).
  void set_credentials(
      std::function<void(const std::string&, const std::string&, mqtt::Packet&)> fill) {
    clients_.credentials = std::move(fill);
  }
  // The run is over: clients destroyed from now on record nothing.
  void end_run() { clients_.run_over = true; }

 private:
  EventLoop& loop_;
  Transport& transport_;
  const Platform& platform_;
  history::History& history_;
  std::unordered_map<std::string, NodeId> phone_nodes_;
  SimMqttClient::Directory clients_;
};

}  // namespace mqttbed::simulation
