// Keeps one device's MQTT connection up, the same way for every kind: session and keepalive
// from the scenario, reconnection with capped exponential backoff and full jitter, and
// re-subscription whenever the broker kept no session for us.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "devices/timer_slot.h"
#include "sim/runtime/mqtt_client.h"
#include "sim/runtime/runtime.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::devices {

struct Subscription {
  std::string filter;
  int qos = 1;
};

class ConnectionKeeper {
 public:
  struct Callbacks {
    // Connected (CONNACK accepted); subscriptions were re-sent unless session_present.
    std::function<void(bool session_present)> on_online;
    // The connection ended without our asking (a reconnection is already scheduled).
    std::function<void()> on_offline;
    std::function<void(const runtime::ReceivedMessage&)> on_message;
  };

  // `rng` must outlive the keeper (it is the device's own generator).
  ConnectionKeeper(runtime::Runtime& runtime, runtime::Rng& rng, const scenario::MqttSettings& mqtt,
                   std::string client_id, int home);
  ~ConnectionKeeper();
  ConnectionKeeper(const ConnectionKeeper&) = delete;
  ConnectionKeeper& operator=(const ConnectionKeeper&) = delete;

  // CONNECT options: clean_session and keepalive come from the scenario; kinds add their
  // will and credentials before start().
  runtime::ConnectOptions& options() { return options_; }
  void set_subscriptions(std::vector<Subscription> subscriptions);
  // One more subscription, kept from now on (SUBSCRIBE now if online).
  void add_subscription(const Subscription& subscription);
  // Drops a subscription: UNSUBSCRIBE now if online; if offline, at the next connection that
  // finds the session still present (a persistent session keeps it until told).
  void remove_subscription(const std::string& filter);
  void set_callbacks(Callbacks callbacks) { callbacks_ = std::move(callbacks); }

  // Creates the client and connects now.
  void start();
  // Device reboot: the old client is dropped without DISCONNECT (as a crash would leave
  // it), a fresh one connects now and the backoff starts over.
  void restart();
  // Graceful end: DISCONNECT, and no reconnection until resume().
  void disconnect();
  // Connects now if disconnect() stopped us; otherwise nothing.
  void resume();

  bool online() const { return state_ == State::online; }
  // What the runtime adds in front of each payload (MqttClient::payload_overhead_bytes).
  std::size_t payload_overhead_bytes() const;
  // nullopt (and nothing sent) while offline: devices decide themselves what to keep.
  std::optional<std::uint64_t> publish(const std::string& topic, const std::string& payload,
                                       int qos, bool retain,
                                       const runtime::PublishOptions& options = {});

  // The wait before reconnection attempt `failures` (0 = first retry after a loss):
  // uniform in [reconnect_min, min(reconnect_max, reconnect_min * 2^(failures+1))].
  runtime::Duration backoff_delay(int failures);
  int consecutive_failures() const { return failures_; }

 private:
  enum class State { idle, connecting, online, waiting, stopped };

  void make_client();
  // SUBSCRIBE with the scenario's MQTT 5 subscription options (ignored by a 3.1.1 client).
  void subscribe(const Subscription& subscription);
  void connect_now();
  void schedule_reconnect();
  void handle_connected(bool session_present);
  void handle_failure();
  void handle_lost();

  runtime::Runtime& runtime_;
  runtime::Rng& rng_;
  const scenario::MqttSettings& mqtt_;
  std::string client_id_;
  int home_;
  runtime::ConnectOptions options_;
  std::vector<Subscription> subscriptions_;
  std::vector<std::string> unsubscribe_on_resume_;
  std::map<std::string, std::uint32_t> subscription_ids_;  // mqtt.subscription_options.identifiers
  Callbacks callbacks_;
  std::unique_ptr<runtime::MqttClient> client_;
  TimerSlot reconnect_timer_;
  State state_ = State::idle;
  int failures_ = 0;
};

}  // namespace mqttbed::devices
