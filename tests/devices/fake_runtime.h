// A test harness for device logic: a manual-clock Runtime whose timers run in order when the
// test advances time, and a fake MQTT client that records what the device asks for and lets
// the test play the broker's part (CONNACK, messages, connection loss). Not a broker.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/runtime/runtime.h"

namespace mqttbed::testing {

class FakeRuntime;

struct SentPublish {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retain = false;
  std::uint64_t token = 0;
  std::optional<std::chrono::seconds> message_expiry;
};

class FakeMqttClient : public runtime::MqttClient {
 public:
  FakeMqttClient(FakeRuntime& runtime, std::string client_id);
  ~FakeMqttClient() override;

  const std::string& client_id() const override { return client_id_; }
  std::size_t payload_overhead_bytes() const override;
  void connect(const runtime::ConnectOptions& options) override;
  void disconnect() override;
  bool is_connected() const override { return connected_; }
  using runtime::MqttClient::publish;
  std::uint64_t publish(const std::string& topic, const std::string& payload, int qos, bool retain,
                        const runtime::PublishOptions& options) override;
  using runtime::MqttClient::subscribe;
  void subscribe(const std::string& filter, int qos,
                 const runtime::SubscribeOptions& options) override;
  void unsubscribe(const std::string& filter) override;
  void record_attempt(const std::string& kind, const std::string& target) override {
    attempts_.push_back(kind + " " + target);
  }

  // The broker's side, played by the test.
  void accept(bool session_present);
  void refuse(int return_code = 5);
  void lose(runtime::LossReason reason = runtime::LossReason::network);
  void deliver(const std::string& topic, const std::string& payload, int qos = 1,
               bool retain = false);

  // What the device did.
  bool connect_pending() const { return connect_pending_; }
  const std::vector<runtime::ConnectOptions>& connects() const { return connects_; }
  const std::vector<SentPublish>& publishes() const { return publishes_; }
  std::vector<SentPublish> publishes_to(const std::string& topic) const;
  const std::vector<std::string>& subscriptions() const { return subscriptions_; }
  int disconnects() const { return disconnects_; }
  // "kind target" of each record_attempt, in order.
  const std::vector<std::string>& attempts() const { return attempts_; }
  void clear_records();

 private:
  FakeRuntime& runtime_;
  std::string client_id_;
  bool connected_ = false;
  bool connect_pending_ = false;
  std::vector<runtime::ConnectOptions> connects_;
  std::vector<SentPublish> publishes_;
  std::vector<std::string> subscriptions_;
  int disconnects_ = 0;
  std::vector<std::string> attempts_;
  std::uint64_t next_token_ = 1;
};

class FakeRuntime : public runtime::Runtime {
 public:
  runtime::TimePoint now() const override { return now_; }
  runtime::TimerId schedule(runtime::Duration delay, std::function<void()> callback) override;
  void cancel(runtime::TimerId id) override;
  std::unique_ptr<runtime::MqttClient> make_client(const std::string& client_id, int home) override;

  // Runs every timer due up to now + `delta`, in time order (ties: scheduling order), each
  // at its own time; timers scheduled meanwhile run too if due.
  void advance(runtime::Duration delta);
  // Runs timers until the next one fires; returns false when none is pending.
  bool run_next();
  std::size_t pending_timers() const { return timers_.size(); }
  // The delay of the earliest pending timer from now (-1ns when none).
  runtime::Duration next_timer_in() const;

  // The live client with this id (the newest if the device made several), or nullptr.
  FakeMqttClient* client(const std::string& client_id) const;
  int clients_made() const { return clients_made_; }
  // What every client says its runtime adds in front of a payload (an envelope's bytes).
  std::size_t payload_overhead_bytes = 0;

 private:
  friend class FakeMqttClient;
  struct Key {
    runtime::TimePoint due;
    runtime::TimerId id;
    bool operator<(const Key& other) const {
      return due != other.due ? due < other.due : id < other.id;
    }
  };

  runtime::TimePoint now_{0};
  runtime::TimerId next_id_ = 1;
  std::map<Key, std::function<void()>> timers_;
  std::map<runtime::TimerId, runtime::TimePoint> due_by_id_;
  std::vector<FakeMqttClient*> live_clients_;
  int clients_made_ = 0;
};

}  // namespace mqttbed::testing
