// Connection upkeep shared by every device kind.
#include "devices/connection_keeper.h"

#include <algorithm>
#include <chrono>

namespace mqttbed::devices {

ConnectionKeeper::ConnectionKeeper(runtime::Runtime& runtime, runtime::Rng& rng,
                                   const scenario::MqttSettings& mqtt, std::string client_id,
                                   int home)
    : runtime_(runtime),
      rng_(rng),
      mqtt_(mqtt),
      client_id_(std::move(client_id)),
      home_(home),
      reconnect_timer_(runtime) {
  options_.clean_session = !mqtt.persistent_sessions;
  options_.keepalive = std::chrono::duration_cast<std::chrono::seconds>(mqtt.keepalive);
  if (mqtt.version == scenario::MqttVersion::v5) options_.version = runtime::ProtocolVersion::v5;
  if (mqtt.version == scenario::MqttVersion::v5 && mqtt.persistent_sessions) {
    options_.session_expiry = std::chrono::duration_cast<std::chrono::seconds>(mqtt.session_expiry);
  }
  if (mqtt.receive_maximum > 0)
    options_.receive_maximum = static_cast<std::uint16_t>(mqtt.receive_maximum);
  options_.ack_delay = std::chrono::duration_cast<std::chrono::milliseconds>(mqtt.ack_delay);
}

void ConnectionKeeper::subscribe(const Subscription& subscription) {
  runtime::SubscribeOptions options;
  options.no_local = mqtt_.no_local;
  options.retain_as_published = mqtt_.retain_as_published;
  options.retain_handling = mqtt_.retain_handling;
  if (mqtt_.subscription_ids) {
    // One identifier per filter for the device's life, so a delivery names its filter.
    auto [it, added] = subscription_ids_.try_emplace(
        subscription.filter, static_cast<std::uint32_t>(subscription_ids_.size() + 1));
    (void)added;
    options.subscription_id = it->second;
  }
  client_->subscribe(subscription.filter, subscription.qos, options);
}

ConnectionKeeper::~ConnectionKeeper() = default;

void ConnectionKeeper::set_subscriptions(std::vector<Subscription> subscriptions) {
  subscriptions_ = std::move(subscriptions);
}

void ConnectionKeeper::add_subscription(const Subscription& subscription) {
  std::erase(unsubscribe_on_resume_, subscription.filter);
  subscriptions_.push_back(subscription);
  if (state_ == State::online) subscribe(subscription);
}

void ConnectionKeeper::remove_subscription(const std::string& filter) {
  const auto removed = std::erase_if(
      subscriptions_, [&filter](const Subscription& s) { return s.filter == filter; });
  if (removed == 0) return;
  if (state_ == State::online) {
    client_->unsubscribe(filter);
  } else {
    unsubscribe_on_resume_.push_back(filter);
  }
}

void ConnectionKeeper::make_client() {
  client_ = runtime_.make_client(client_id_, home_);
  client_->on_connected = [this](bool session_present) { handle_connected(session_present); };
  client_->on_connect_failed = [this](int) { handle_failure(); };
  client_->on_connection_lost = [this](runtime::LossReason) { handle_lost(); };
  client_->on_message = [this](const runtime::ReceivedMessage& message) {
    if (callbacks_.on_message) callbacks_.on_message(message);
  };
}

void ConnectionKeeper::start() {
  if (!client_) make_client();
  failures_ = 0;
  connect_now();
}

void ConnectionKeeper::restart() {
  reconnect_timer_.cancel();
  client_.reset();  // no DISCONNECT: to the broker this is a dropped connection
  state_ = State::idle;
  start();
}

void ConnectionKeeper::disconnect() {
  reconnect_timer_.cancel();
  // While a CONNECT is in flight, handle_connected() finishes the job when CONNACK comes.
  if (state_ == State::online) client_->disconnect();
  state_ = State::stopped;
}

void ConnectionKeeper::resume() {
  if (state_ != State::stopped) return;
  failures_ = 0;
  if (!client_) make_client();
  connect_now();
}

void ConnectionKeeper::connect_now() {
  state_ = State::connecting;
  client_->connect(options_);
}

std::optional<std::uint64_t> ConnectionKeeper::publish(const std::string& topic,
                                                       const std::string& payload, int qos,
                                                       bool retain,
                                                       const runtime::PublishOptions& options) {
  if (state_ != State::online) return std::nullopt;
  return client_->publish(topic, payload, qos, retain, options);
}

std::size_t ConnectionKeeper::payload_overhead_bytes() const {
  return client_ ? client_->payload_overhead_bytes() : 0;
}

runtime::Duration ConnectionKeeper::backoff_delay(int failures) {
  const runtime::Duration floor = std::max(mqtt_.reconnect_min, runtime::Duration(0));
  const runtime::Duration cap = std::max(mqtt_.reconnect_max, floor);
  // Doubling a duration, stopping at the cap, so no exponent can overflow.
  runtime::Duration ceiling = floor;
  for (int i = 0; i <= failures && ceiling < cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  // Full jitter: a whole fleet dropped by one fault must not come back in lockstep.
  std::uniform_int_distribution<std::int64_t> pick(floor.count(), ceiling.count());
  return runtime::Duration(pick(rng_));
}

void ConnectionKeeper::schedule_reconnect() {
  const runtime::Duration delay = backoff_delay(failures_);
  ++failures_;
  state_ = State::waiting;
  reconnect_timer_.arm(delay, [this] { connect_now(); });
}

void ConnectionKeeper::handle_connected(bool session_present) {
  if (state_ == State::stopped) {  // disconnect() was asked while connecting
    client_->disconnect();
    return;
  }
  state_ = State::online;
  failures_ = 0;
  // A present session still holds our subscriptions (MQTT-3.2.2-2), and those dropped while
  // offline; otherwise we start empty.
  if (session_present) {
    for (const std::string& filter : unsubscribe_on_resume_) client_->unsubscribe(filter);
  } else {
    for (const Subscription& subscription : subscriptions_) subscribe(subscription);
  }
  unsubscribe_on_resume_.clear();
  if (callbacks_.on_online) callbacks_.on_online(session_present);
}

void ConnectionKeeper::handle_failure() {
  if (state_ == State::stopped) return;
  schedule_reconnect();
}

void ConnectionKeeper::handle_lost() {
  if (state_ == State::stopped) return;
  schedule_reconnect();
  if (callbacks_.on_offline) callbacks_.on_offline();
}

}  // namespace mqttbed::devices
