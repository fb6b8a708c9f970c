// Test harness for the broker model: a manual clock with timers, and every packet the
// broker sends or connection it closes recorded; plus a fixture with packet builders.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/broker/broker.h"

namespace mqttbed::broker::testing {

using namespace std::chrono_literals;

class FakeBrokerHost : public BrokerHost {
 public:
  Duration now() const override { return now_; }
  void schedule(Duration delay, std::function<void()> callback) override {
    timers_.emplace(std::make_pair(now_ + delay, next_timer_++), std::move(callback));
  }
  void send(ConnectionId connection, mqtt::Packet packet) override {
    sent_[connection].push_back(std::move(packet));
  }
  void close(ConnectionId connection) override { closed_.insert(connection); }

  // Moves the clock forward by `delta`, running every timer due on the way, in due order.
  void advance(Duration delta) {
    const Duration end = now_ + delta;
    while (!timers_.empty() && timers_.begin()->first.first <= end) {
      auto node = timers_.extract(timers_.begin());
      now_ = node.key().first;
      node.mapped()();
    }
    now_ = end;
  }

  // Packets sent to `connection` since the last take, oldest first.
  std::vector<mqtt::Packet> take(ConnectionId connection) {
    std::vector<mqtt::Packet> packets = std::move(sent_[connection]);
    sent_[connection].clear();
    return packets;
  }
  // The oldest packet sent to `connection`, removed; a default Packet if none.
  mqtt::Packet take_first(ConnectionId connection) {
    std::vector<mqtt::Packet>& packets = sent_[connection];
    if (packets.empty()) return mqtt::Packet{};
    mqtt::Packet first = std::move(packets.front());
    packets.erase(packets.begin());
    return first;
  }
  // Only the PUBLISH packets of take().
  std::vector<mqtt::Packet> take_publishes(ConnectionId connection) {
    std::vector<mqtt::Packet> publishes;
    for (mqtt::Packet& p : take(connection)) {
      if (p.type == mqtt::PacketType::publish) publishes.push_back(std::move(p));
    }
    return publishes;
  }
  bool was_closed(ConnectionId connection) const { return closed_.count(connection) != 0; }

 private:
  Duration now_{0};
  std::uint64_t next_timer_ = 0;
  std::map<std::pair<Duration, std::uint64_t>, std::function<void()>> timers_;
  std::map<ConnectionId, std::vector<mqtt::Packet>> sent_;
  std::set<ConnectionId> closed_;
};

struct ConnectArgs {
  bool clean = true;
  std::uint16_t keepalive_s = 0;
  std::optional<mqtt::Will> will = std::nullopt;
  std::uint32_t session_expiry_s = 0;
};

inline mqtt::Packet connect_packet(const std::string& client_id, const ConnectArgs& args = {}) {
  mqtt::Packet p;
  p.type = mqtt::PacketType::connect;
  p.client_id = client_id;
  p.clean_session = args.clean;
  p.keepalive_s = args.keepalive_s;
  p.will = args.will;
  p.session_expiry_s = args.session_expiry_s;
  return p;
}

inline mqtt::Packet publish_packet(const std::string& topic, const std::string& payload,
                                   std::uint8_t qos = 0, std::uint16_t id = 0,
                                   bool retain = false) {
  mqtt::Packet p;
  p.type = mqtt::PacketType::publish;
  p.topic = topic;
  p.payload = payload;
  p.qos = qos;
  p.packet_id = id;
  p.retain = retain;
  return p;
}

inline mqtt::Packet subscribe_packet(const std::string& filter, std::uint8_t qos,
                                     std::uint16_t id = 1) {
  mqtt::Packet p;
  p.type = mqtt::PacketType::subscribe;
  p.packet_id = id;
  p.subscriptions.push_back({filter, qos});
  return p;
}

inline mqtt::Packet ack_packet(mqtt::PacketType type, std::uint16_t id = 0) {
  mqtt::Packet p;
  p.type = type;
  p.packet_id = id;
  return p;
}

inline std::vector<std::string> payloads(const std::vector<mqtt::Packet>& packets) {
  std::vector<std::string> out;
  for (const mqtt::Packet& p : packets) out.push_back(p.payload);
  return out;
}

// A broker over a FakeBrokerHost; `configure()` before the first use of broker().
class BrokerFixture : public ::testing::Test {
 protected:
  Broker& broker() {
    if (!broker_) broker_.emplace(config, host);
    return *broker_;
  }

  // Connects `client_id` on `connection` and returns its CONNACK; what the broker sent
  // after it (resends, queued messages) stays recorded for take().
  mqtt::Packet connect(ConnectionId connection, const std::string& client_id,
                       const ConnectArgs& args = {}) {
    broker().on_packet(connection, connect_packet(client_id, args));
    mqtt::Packet connack = host.take_first(connection);
    EXPECT_EQ(connack.type, mqtt::PacketType::connack);
    return connack;
  }

  // Subscribes and returns the SUBACK (retained messages stay recorded for take()).
  mqtt::Packet subscribe(ConnectionId connection, const std::string& filter, std::uint8_t qos) {
    broker().on_packet(connection, subscribe_packet(filter, qos, next_id_++));
    auto packets = host.take(connection);
    mqtt::Packet suback;
    for (auto& p : packets) {
      if (p.type == mqtt::PacketType::suback) {
        suback = p;
      } else {
        retained_after_subscribe.push_back(p);
      }
    }
    EXPECT_EQ(suback.type, mqtt::PacketType::suback);
    return suback;
  }

  void publish(ConnectionId connection, const std::string& topic, const std::string& payload,
               std::uint8_t qos = 0, bool retain = false) {
    broker().on_packet(connection,
                       publish_packet(topic, payload, qos, qos > 0 ? next_id_++ : 0, retain));
  }

  void send(ConnectionId connection, mqtt::PacketType type, std::uint16_t id = 0) {
    broker().on_packet(connection, ack_packet(type, id));
  }

  BrokerConfig config;
  FakeBrokerHost host;
  std::vector<mqtt::Packet> retained_after_subscribe;

 private:
  std::optional<Broker> broker_;
  std::uint16_t next_id_ = 1;
};

inline mqtt::Will will(const std::string& topic, const std::string& payload, std::uint8_t qos = 0,
                       bool retain = false, std::uint32_t delay_s = 0) {
  return mqtt::Will{topic, payload, qos, retain, delay_s};
}

}  // namespace mqttbed::broker::testing
