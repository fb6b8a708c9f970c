// runtime::MqttClient live: MQTT 3.1.1 or 5 over Paho's ::mqtt::async_client. Paho's threads only
// post onto the LiveLoop; every state change, history record and device callback happens on
// the loop, recorded through history::ClientRecorder exactly as the simulated client does.
#pragma once

#include <mqtt/async_client.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "sim/history/client_recorder.h"
#include "sim/history/envelope.h"
#include "sim/live/live_loop.h"
#include "sim/live/live_options.h"
#include "sim/runtime/mqtt_client.h"

namespace mqttbed::live {

class FaultProxy;

// What every live client of a run shares.
struct ClientContext {
  LiveLoop& loop;
  history::History& history;
  const LiveOptions& options;
  std::string server_uri;       // the broker, or the fault proxy in front of it
  FaultProxy* proxy = nullptr;  // resets connections a rebooting device leaves behind
  // When set, only the clients named in `proxied` (fleet names) connect to server_uri; the
  // others connect here, straight to the broker (one descriptor each instead of three).
  std::string direct_uri{};
  std::unordered_set<std::string> proxied{};
  std::atomic<int> connected{0};
  bool run_over = false;  // teardown after the run: destruction is not a device reboot

  const std::string& uri_for(const std::string& client_id) const {
    return direct_uri.empty() || proxied.count(client_id) ? server_uri : direct_uri;
  }
};

class LiveMqttClient final : public runtime::MqttClient {
 public:
  LiveMqttClient(std::string client_id, ClientContext& context);
  ~LiveMqttClient() override;

  const std::string& client_id() const override { return client_id_; }
  std::size_t payload_overhead_bytes() const override {
    return history::envelope::max_overhead_bytes(client_id_);
  }
  void connect(const runtime::ConnectOptions& options) override;
  void disconnect() override;
  bool is_connected() const override { return state_ == State::connected; }
  using runtime::MqttClient::publish;
  std::uint64_t publish(const std::string& topic, const std::string& payload, int qos, bool retain,
                        const runtime::PublishOptions& options) override;
  using runtime::MqttClient::subscribe;
  void subscribe(const std::string& filter, int qos,
                 const runtime::SubscribeOptions& options) override;
  void unsubscribe(const std::string& filter) override;
  void record_attempt(const std::string& kind, const std::string& target) override {
    recorder_.attempt(kind, target);
  }

  // The id this client uses on the wire (prefix + client id).
  const std::string& wire_id() const { return wire_id_; }

 private:
  enum class State { disconnected, connecting, connected };

  // Paho calls iaction_listener on its own threads; this one hands the token's facts to a
  // function that posts them to the loop.
  class Listener final : public ::mqtt::iaction_listener {
   public:
    explicit Listener(std::function<void(const ::mqtt::token&, bool ok)> handler)
        : handler_(std::move(handler)) {}
    // An exception escaping into Paho's C threads would terminate the process (issue 12):
    // the handler reads the token defensively, and nothing it throws gets past here.
    void on_success(const ::mqtt::token& token) noexcept override { call(token, true); }
    void on_failure(const ::mqtt::token& token) noexcept override { call(token, false); }

   private:
    void call(const ::mqtt::token& token, bool ok) noexcept;
    std::function<void(const ::mqtt::token&, bool)> handler_;
  };

  // Runs `work` on the loop unless this client is gone by then.
  void post(std::function<void()> work);
  void on_connect_result(std::uint64_t attempt, bool ok, bool session_present, int code,
                         const std::string& reason);
  void on_publish_result(std::uint64_t seq, int qos, bool ok, int code);
  void on_suback(std::uint64_t request, int granted, const std::string& reason);
  void on_unsuback(std::uint64_t request, int code, const std::string& reason);
  void on_message_arrived(const ::mqtt::const_message_ptr& message);
  // `server_code`/`server_reason`: the v5 DISCONNECT the server sent, if it sent one.
  void on_lost(std::uint64_t attempt, int server_code, const std::string& server_reason);
  // The Paho client, made at the first connect(): only then is the route known, and a
  // client that never connects costs Paho nothing (its globals list every client made).
  ::mqtt::async_client& paho();
  void set_state(State state);
  ::mqtt::connect_options paho_options(const runtime::ConnectOptions& options,
                                       const std::string& will_payload) const;

  std::string client_id_;
  std::string wire_id_;
  ClientContext& context_;
  history::ClientRecorder recorder_;
  runtime::ConnectOptions options_;
  State state_ = State::disconnected;
  // MQTT 5 (the connect's options; a run speaks one version, and Paho binds it when the
  // client is made). Read on Paho's threads too.
  std::atomic<bool> v5_{false};
  std::uint64_t attempt_ = 0;                   // loop thread
  std::atomic<std::uint64_t> paho_attempt_{0};  // the attempt Paho's connection belongs to
  std::set<std::uint64_t> outgoing_;            // QoS >= 1 publishes not yet acknowledged
  std::uint64_t next_request_ = 1;
  std::unordered_map<std::uint64_t, std::string> pending_subscribes_;
  std::unordered_map<std::uint64_t, std::string> pending_unsubscribes_;
  // Cleared on destruction; work Paho posted after that is dropped on the loop.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  // Listeners before the Paho client: Paho holds references to them until it is destroyed.
  Listener connect_listener_;
  Listener publish_listener_;
  Listener subscribe_listener_;
  Listener unsubscribe_listener_;
  std::unique_ptr<::mqtt::async_client> paho_;  // null until the first connect()
};

}  // namespace mqttbed::live
