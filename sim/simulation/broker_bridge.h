// Puts the transport-agnostic broker model on the simulated network: its packets travel
// through the Transport, its timers run on the EventLoop.
#pragma once

#include <memory>
#include <set>

#include "sim/broker/broker.h"
#include "sim/simulation/event_loop.h"
#include "sim/simulation/transport.h"

namespace mqttbed::simulation {

class BrokerBridge final : public broker::BrokerHost, public BrokerEndpoint {
 public:
  BrokerBridge(broker::BrokerConfig config, EventLoop& loop, Transport& transport);

  broker::Broker& broker() { return *broker_; }

  // The broker process dies: the kernel resets every connection it held.
  void crash();
  void restart() { broker_->restart(); }

  // BrokerHost
  broker::Duration now() const override { return loop_.now(); }
  void schedule(broker::Duration delay, std::function<void()> callback) override {
    loop_.schedule(delay, std::move(callback));
  }
  void send(broker::ConnectionId connection, mqtt::Packet packet) override {
    transport_.send_to_client(connection, std::move(packet));
  }
  void close(broker::ConnectionId connection) override;

  // BrokerEndpoint
  void on_packet(ConnectionId connection, const mqtt::Packet& packet) override;
  void on_connection_lost(ConnectionId connection) override;

 private:
  EventLoop& loop_;
  Transport& transport_;
  std::set<ConnectionId> open_;  // connections the broker has seen and not closed
  std::unique_ptr<broker::Broker> broker_;
};

}  // namespace mqttbed::simulation
