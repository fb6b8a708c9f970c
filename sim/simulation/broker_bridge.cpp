#include "sim/simulation/broker_bridge.h"

namespace mqttbed::simulation {

BrokerBridge::BrokerBridge(broker::BrokerConfig config, EventLoop& loop, Transport& transport)
    : loop_(loop), transport_(transport) {
  broker_ = std::make_unique<broker::Broker>(std::move(config), *this);
  transport_.set_broker(this);
}

void BrokerBridge::close(broker::ConnectionId connection) {
  open_.erase(connection);
  transport_.close_from_broker(connection);
}

void BrokerBridge::on_packet(ConnectionId connection, const mqtt::Packet& packet) {
  // A connection opens with its CONNECT; inserting on every packet cost a tree search each.
  if (packet.type == mqtt::PacketType::connect && broker_->is_up()) open_.insert(connection);
  broker_->on_packet(connection, packet);
}

void BrokerBridge::on_connection_lost(ConnectionId connection) {
  open_.erase(connection);
  broker_->on_connection_lost(connection);
}

void BrokerBridge::crash() {
  broker_->crash();
  std::set<ConnectionId> open = std::move(open_);
  open_.clear();
  for (ConnectionId connection : open) transport_.close_from_broker(connection);
}

}  // namespace mqttbed::simulation
