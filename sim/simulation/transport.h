// MQTT over TCP as the fleet sees it, on SimGrid: one connection per client session,
// packets in order per direction (TCP), real encoded sizes through SimGrid's network model,
// per-packet latency drawn from the link classes, loss as retransmission delay (RTO with
// backoff) and, past the retransmission bound, a broken connection.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>

#include "sim/faults/network_conditions.h"
#include "sim/mqtt/packet.h"
#include "sim/runtime/runtime.h"
#include "sim/simulation/event_loop.h"
#include "sim/simulation/platform.h"

namespace mqttbed::simulation {

using ConnectionId = std::uint64_t;

// The client end of a connection.
class ClientEndpoint {
 public:
  virtual ~ClientEndpoint() = default;
  virtual void on_packet(const mqtt::Packet& packet) = 0;
  // The connection is gone: broker closed it (FIN/RST arrived) or our sends broke it.
  virtual void on_closed(runtime::LossReason reason) = 0;
};

// The broker end of every connection.
class BrokerEndpoint {
 public:
  virtual ~BrokerEndpoint() = default;
  virtual void on_packet(ConnectionId connection, const mqtt::Packet& packet) = 0;
  virtual void on_connection_lost(ConnectionId connection) = 0;
};

struct TransportStats {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;  // on the wire, TCP/IP headers included
  std::uint64_t retransmissions = 0;
  std::uint64_t broken_connections = 0;
};

class Transport {
 public:
  Transport(EventLoop& loop, const Platform& platform, const faults::NetworkConditions& conditions,
            const scenario::Network& network, mqtt::Version version, std::uint64_t seed);

  void set_broker(BrokerEndpoint* broker) { broker_ = broker; }

  ConnectionId open(NodeId node, int home, const std::string& client_id, ClientEndpoint* client);
  void send_to_broker(ConnectionId connection, mqtt::Packet packet);
  void send_to_client(ConnectionId connection, mqtt::Packet packet);
  // Client side ends: `reset` sends a RST the broker sees as a lost connection; without it
  // the broker only notices by keepalive. The client endpoint is never called again.
  void close_from_client(ConnectionId connection, bool reset);
  // Broker side ends: a FIN follows the packets already sent; the client sees on_closed.
  void close_from_broker(ConnectionId connection);
  bool broker_side_open(ConnectionId connection) const;

  const TransportStats& stats() const { return stats_; }

 private:
  struct Frame {
    bool fin = false;
    mqtt::Packet packet;
  };
  struct Direction {
    std::uint64_t next_send = 0;
    std::uint64_t next_deliver = 0;
    std::map<std::uint64_t, Frame> reorder;  // arrived early, waiting for earlier frames
  };
  struct Connection {
    NodeId node = 0;
    int home = -1;
    std::string client_id;
    ClientEndpoint* client = nullptr;  // null once the client side closed
    bool broker_open = true;
    Direction up;                 // client -> broker
    Direction down;               // broker -> client
    runtime::Rng* rng = nullptr;  // the client's network draws (stable per client id)
    int in_flight = 0;
  };

  void send(ConnectionId id, bool upward, Frame frame);
  void attempt(ConnectionId id, bool upward, std::uint64_t seq, const std::shared_ptr<Frame>& frame,
               int retries);
  void arrive(ConnectionId id, bool upward, std::uint64_t seq, Frame frame);
  void deliver(ConnectionId id, bool upward, const Frame& frame);
  void sender_gave_up(ConnectionId id, bool upward);
  void forget_if_done(ConnectionId id);
  std::uint64_t wire_bytes(const Frame& frame) const;

  EventLoop& loop_;
  const Platform& platform_;
  const faults::NetworkConditions& conditions_;
  const scenario::Network& network_;
  mqtt::Version version_;
  std::uint64_t seed_;
  std::unordered_map<std::string, runtime::Rng> rngs_;
  BrokerEndpoint* broker_ = nullptr;
  std::unordered_map<ConnectionId, Connection> connections_;
  ConnectionId next_id_ = 1;
  TransportStats stats_;
};

}  // namespace mqttbed::simulation
