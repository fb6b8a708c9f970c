// Private to the broker: the state behind Broker's facade, shared by broker_lifecycle.cpp
// (connections, wills, crash), broker_flows.cpp (packets) and broker_routing.cpp (fan-out).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>

#include "sim/broker/broker.h"
#include "sim/broker/connection_table.h"
#include "sim/mqtt/message.h"
#include "sim/mqtt/retained_store.h"
#include "sim/mqtt/session.h"
#include "sim/mqtt/shared_subscriptions.h"
#include "sim/mqtt/subscription.h"
#include "sim/mqtt/topic_trie.h"
#include "sim/mqtt/will.h"

namespace mqttbed::broker {

struct Broker::State {
  State(BrokerConfig config_in, BrokerHost& host_in);

  BrokerConfig config;
  BrokerHost& host;
  BrokerStats stats;
  bool up = true;
  // Timers capture a weak reference to this token and the epoch they were set in: a
  // destroyed broker or a crash since then makes them do nothing.
  std::shared_ptr<int> alive = std::make_shared<int>(0);
  std::uint64_t epoch = 0;
  std::uint64_t next_serial = 1;

  ConnectionTable connections;
  std::set<ConnectionId> closed;  // ended connections: late packets on them are ignored
  mqtt::SessionStore sessions;
  mqtt::TopicTrie<mqtt::SubscriptionEntry> subscriptions;  // (filter, session key) -> grant
  mqtt::SharedSubscriptions shared;  // v5 $share/{group}/{filter} subscriptions
  mqtt::RetainedStore retained;
  mqtt::PendingWills pending_wills;                    // v5 Will Delay Interval
  std::map<std::string, std::uint64_t> expiry_tokens;  // v5 session expiry timers by client
  std::map<std::string, std::uint32_t> expiry_s;       // v5 offline sessions' expiry
  // Mutation::reorder: a message held back per (subscriber session, publisher).
  std::map<std::pair<std::uint64_t, std::string>, mqtt::Message> held_for_reorder;
  // reorder_window: deliveries in their holding time, by serial: (session key, message).
  std::map<std::uint64_t, std::pair<std::uint64_t, mqtt::Message>> held_in_window;
  std::mt19937_64 reorder_rng;

  // --- lifecycle (broker_lifecycle.cpp)
  void schedule(Duration delay, std::function<void()> callback);
  // A delivery held by reorder_window joins its session's queue (if the session still exists).
  void release_held(std::uint64_t serial);
  void on_connect(ConnectionId id, const mqtt::Packet& packet);
  void end_connection(ConnectionId id, mqtt::ConnectionEnd end);
  void refuse(ConnectionId id);  // close a connection the broker keeps no record of
  void arm_keepalive(ConnectionId id, std::uint64_t serial);
  void linger_until_keepalive(ConnectionId id);  // Mutation::no_takeover
  void handle_will(const Connection& connection, mqtt::ConnectionEnd end, bool session_ends);
  void publish_will(const std::string& client_id, const mqtt::Will& will);
  void arm_session_expiry(const std::string& client_id, std::uint32_t expiry_s);
  void discard_session(const std::string& client_id);
  void crash();
  void restart();

  // --- packets of a connected client (broker_flows.cpp)
  void on_client_packet(Connection& connection, const mqtt::Packet& packet);
  void on_publish(Connection& connection, const mqtt::Packet& packet);
  void on_subscribe(Connection& connection, const mqtt::Packet& packet);
  void on_unsubscribe(Connection& connection, const mqtt::Packet& packet);
  void on_ack(Connection& connection, const mqtt::Packet& packet);
  void send(ConnectionId id, mqtt::PacketType type, std::uint16_t packet_id);

  // --- routing to sessions (broker_routing.cpp)
  bool authorized(const std::string& client_id, policy::Action action,
                  const std::string& name) const;
  // `will`: the message is a last will (MQTT-3.1.2-8), routed like a PUBLISH.
  void route(mqtt::Message message, const std::string& publisher, bool will = false);
  // A session's filter leaves the routing tables (shared or not).
  void unroute(const std::string& filter, std::uint64_t session_key);
  // v5 properties as forwarded (the property mutations act here).
  void forward_properties(mqtt::Message& message) const;
  void route_shared(const mqtt::Message& message, const std::string& publisher);
  void deliver(std::uint64_t session_key, const mqtt::Message& message,
               const std::string& publisher);
  void offer(mqtt::Session& session, mqtt::Message message);
  void flush(mqtt::Session& session);
  void resume(mqtt::Session& session, ConnectionId id);
  void leak_to_other_account(const mqtt::Message& message, const std::string& publisher);
  void refresh_stats();
};

}  // namespace mqttbed::broker
