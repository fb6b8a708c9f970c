#include "sim/simulation/transport.h"

#include <cmath>
#include <memory>

#include "sim/fleet/latency_sampler.h"
#include "sim/mqtt/packet_size.h"

namespace mqttbed::simulation {

namespace {
constexpr std::uint64_t kSegmentPayloadBytes = 1460;  // Ethernet MSS
constexpr std::uint64_t kSegmentHeaderBytes = 40;     // IPv4 + TCP without options
}  // namespace

Transport::Transport(EventLoop& loop, const Platform& platform,
                     const faults::NetworkConditions& conditions, const scenario::Network& network,
                     mqtt::Version version, std::uint64_t seed)
    : loop_(loop),
      platform_(platform),
      conditions_(conditions),
      network_(network),
      version_(version),
      seed_(seed) {}

ConnectionId Transport::open(NodeId node, int home, const std::string& client_id,
                             ClientEndpoint* client) {
  ConnectionId id = next_id_++;
  Connection connection;
  connection.node = node;
  connection.home = home;
  connection.client_id = client_id;
  connection.client = client;
  auto [rng, inserted] = rngs_.try_emplace(client_id);
  if (inserted) rng->second = runtime::derive_rng(seed_, "net/" + client_id);
  connection.rng = &rng->second;
  connections_.emplace(id, std::move(connection));
  return id;
}

void Transport::send_to_broker(ConnectionId connection, mqtt::Packet packet) {
  send(connection, true, Frame{false, std::move(packet)});
}

void Transport::send_to_client(ConnectionId connection, mqtt::Packet packet) {
  auto it = connections_.find(connection);
  if (it == connections_.end() || !it->second.broker_open) return;
  send(connection, false, Frame{false, std::move(packet)});
}

void Transport::close_from_client(ConnectionId connection, bool reset) {
  auto it = connections_.find(connection);
  if (it == connections_.end() || it->second.client == nullptr) return;
  it->second.client = nullptr;
  if (reset) send(connection, true, Frame{true, {}});
  forget_if_done(connection);
}

void Transport::close_from_broker(ConnectionId connection) {
  auto it = connections_.find(connection);
  if (it == connections_.end() || !it->second.broker_open) return;
  it->second.broker_open = false;
  send(connection, false, Frame{true, {}});
}

bool Transport::broker_side_open(ConnectionId connection) const {
  auto it = connections_.find(connection);
  return it != connections_.end() && it->second.broker_open;
}

std::uint64_t Transport::wire_bytes(const Frame& frame) const {
  if (frame.fin) return kSegmentHeaderBytes;
  std::uint64_t mqtt_bytes = mqtt::wire_size(frame.packet, version_);
  std::uint64_t segments = (mqtt_bytes + kSegmentPayloadBytes - 1) / kSegmentPayloadBytes;
  return mqtt_bytes + std::max<std::uint64_t>(segments, 1) * kSegmentHeaderBytes;
}

void Transport::send(ConnectionId id, bool upward, Frame frame) {
  Connection& connection = connections_.at(id);
  Direction& direction = upward ? connection.up : connection.down;
  std::uint64_t seq = direction.next_send++;
  ++connection.in_flight;
  attempt(id, upward, seq, std::make_shared<Frame>(std::move(frame)), 0);
}

// One try of one frame: lost (retry after RTO, doubled each time, MQTT over TCP sees only
// the delay) or on its way through SimGrid after the sampled latency excess.
void Transport::attempt(ConnectionId id, bool upward, std::uint64_t seq,
                        const std::shared_ptr<Frame>& frame, int retries) {
  Connection& connection = connections_.at(id);
  faults::PathCondition condition =
      conditions_.at(loop_.now(), connection.home, connection.client_id);
  const auto& path = platform_.path_to_broker(connection.node);
  std::uint64_t bytes = wire_bytes(*frame);
  double delivered = condition.cut ? 0.0 : 1.0 - condition.extra_loss;
  for (const auto* link_class : path) delivered *= 1.0 - link_class->loss;
  // Every segment of the frame must get through.
  double segments =
      std::ceil(static_cast<double>(bytes) / (kSegmentPayloadBytes + kSegmentHeaderBytes));
  double lost = 1.0 - std::pow(delivered, std::max(1.0, segments));
  runtime::Rng& rng = *connection.rng;
  if (lost > 0 && std::uniform_real_distribution<double>(0.0, 1.0)(rng) < lost) {
    if (retries >= network_.tcp_max_retransmissions) {
      --connection.in_flight;
      sender_gave_up(id, upward);
      return;
    }
    ++stats_.retransmissions;
    auto rto = network_.tcp_rto_initial * (1LL << retries);
    loop_.schedule(rto, [this, id, upward, seq, frame, retries] {
      attempt(id, upward, seq, frame, retries + 1);
    });
    return;
  }
  Duration latency = condition.extra_latency + platform_.path_latency_floor(connection.node);
  for (const auto* link_class : path)
    latency += fleet::sample_latency_excess(link_class->latency, rng);
  ++stats_.packets;
  stats_.bytes += bytes;
  NodeId from = upward ? connection.node : kBrokerNode;
  NodeId to = upward ? kBrokerNode : connection.node;
  auto start = [this, id, upward, seq, frame, from, to, bytes] {
    loop_.start_transfer(platform_.host(from), platform_.host(to), bytes,
                         [this, id, upward, seq, frame] { arrive(id, upward, seq, *frame); });
  };
  if (latency.count() > 0)
    loop_.schedule(latency, start);
  else
    start();
}

void Transport::arrive(ConnectionId id, bool upward, std::uint64_t seq, Frame frame) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  Connection& connection = it->second;
  --connection.in_flight;
  Direction& direction = upward ? connection.up : connection.down;
  direction.reorder.emplace(seq, std::move(frame));
  // TCP hands the application bytes in order: hold frames that overtook earlier ones.
  while (!direction.reorder.empty() && direction.reorder.begin()->first == direction.next_deliver) {
    Frame next = std::move(direction.reorder.begin()->second);
    direction.reorder.erase(direction.reorder.begin());
    ++direction.next_deliver;
    deliver(id, upward, next);
    if (connections_.count(id) == 0) return;
  }
  forget_if_done(id);
}

void Transport::deliver(ConnectionId id, bool upward, const Frame& frame) {
  Connection& connection = connections_.at(id);
  if (upward) {
    if (!connection.broker_open) return;
    if (frame.fin) {
      connection.broker_open = false;
      broker_->on_connection_lost(id);
    } else {
      broker_->on_packet(id, frame.packet);
    }
    return;
  }
  ClientEndpoint* client = connection.client;
  if (client == nullptr) return;
  if (frame.fin) {
    connection.client = nullptr;
    client->on_closed(runtime::LossReason::broker_closed);
  } else {
    client->on_packet(frame.packet);
  }
}

void Transport::sender_gave_up(ConnectionId id, bool upward) {
  ++stats_.broken_connections;
  Connection& connection = connections_.at(id);
  if (upward) {
    if (ClientEndpoint* client = connection.client) {
      connection.client = nullptr;
      client->on_closed(runtime::LossReason::network);
    }
  } else if (connection.broker_open) {
    connection.broker_open = false;
    broker_->on_connection_lost(id);
  }
  forget_if_done(id);
}

void Transport::forget_if_done(ConnectionId id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  const Connection& connection = it->second;
  if (connection.client == nullptr && !connection.broker_open && connection.in_flight == 0)
    connections_.erase(it);
}

}  // namespace mqttbed::simulation
