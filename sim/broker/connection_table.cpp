// Connection table: connections by id, and the id holding each client id.
#include "sim/broker/connection_table.h"

#include <stdexcept>
#include <utility>

namespace mqttbed::broker {

Connection& ConnectionTable::add(Connection connection) {
  if (by_client_.count(connection.client_id) != 0) {
    throw std::logic_error("ConnectionTable::add: client id \"" + connection.client_id +
                           "\" is already connected (take it over first, MQTT-3.1.4-2)");
  }
  const ConnectionId id = connection.id;
  auto [it, inserted] = connections_.emplace(id, std::move(connection));
  if (!inserted) {
    throw std::logic_error("ConnectionTable::add: connection " + std::to_string(id) +
                           " is already open");
  }
  by_client_.emplace(it->second.client_id, id);
  return it->second;
}

Connection* ConnectionTable::find(ConnectionId id) {
  auto it = connections_.find(id);
  return it == connections_.end() ? nullptr : &it->second;
}

Connection* ConnectionTable::find_client(const std::string& client_id) {
  auto it = by_client_.find(client_id);
  return it == by_client_.end() ? nullptr : find(it->second);
}

Connection ConnectionTable::remove(ConnectionId id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) {
    throw std::out_of_range("ConnectionTable::remove: no connection " + std::to_string(id));
  }
  Connection connection = std::move(it->second);
  connections_.erase(it);
  by_client_.erase(connection.client_id);
  return connection;
}

void ConnectionTable::clear() {
  connections_.clear();
  by_client_.clear();
}

}  // namespace mqttbed::broker
