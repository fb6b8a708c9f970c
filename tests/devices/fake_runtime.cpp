// The manual-clock runtime and recording MQTT client used by the device tests.
#include "tests/devices/fake_runtime.h"

#include <algorithm>

namespace mqttbed::testing {

FakeMqttClient::FakeMqttClient(FakeRuntime& runtime, std::string client_id)
    : runtime_(runtime), client_id_(std::move(client_id)) {
  runtime_.live_clients_.push_back(this);
}

FakeMqttClient::~FakeMqttClient() {
  auto& live = runtime_.live_clients_;
  live.erase(std::remove(live.begin(), live.end(), this), live.end());
}

void FakeMqttClient::connect(const runtime::ConnectOptions& options) {
  connects_.push_back(options);
  connect_pending_ = true;
}

void FakeMqttClient::disconnect() {
  ++disconnects_;
  connected_ = false;
}

std::uint64_t FakeMqttClient::publish(const std::string& topic, const std::string& payload, int qos,
                                      bool retain, const runtime::PublishOptions& options) {
  const std::uint64_t token = next_token_++;
  publishes_.push_back({topic, payload, qos, retain, token, options.message_expiry});
  return token;
}

void FakeMqttClient::subscribe(const std::string& filter, int qos,
                               const runtime::SubscribeOptions&) {
  subscriptions_.push_back(filter);
  if (on_subscribed) on_subscribed(filter, qos);
}

void FakeMqttClient::unsubscribe(const std::string& filter) {
  subscriptions_.erase(std::remove(subscriptions_.begin(), subscriptions_.end(), filter),
                       subscriptions_.end());
}

void FakeMqttClient::accept(bool session_present) {
  connect_pending_ = false;
  connected_ = true;
  if (on_connected) on_connected(session_present);
}

void FakeMqttClient::refuse(int return_code) {
  connect_pending_ = false;
  connected_ = false;
  if (on_connect_failed) on_connect_failed(return_code);
}

void FakeMqttClient::lose(runtime::LossReason reason) {
  connected_ = false;
  if (on_connection_lost) on_connection_lost(reason);
}

void FakeMqttClient::deliver(const std::string& topic, const std::string& payload, int qos,
                             bool retain) {
  if (on_message) on_message({topic, payload, qos, retain, false, std::nullopt});
}

std::vector<SentPublish> FakeMqttClient::publishes_to(const std::string& topic) const {
  std::vector<SentPublish> matching;
  for (const SentPublish& sent : publishes_) {
    if (sent.topic == topic) matching.push_back(sent);
  }
  return matching;
}

void FakeMqttClient::clear_records() {
  connects_.clear();
  publishes_.clear();
  subscriptions_.clear();
  disconnects_ = 0;
}

runtime::TimerId FakeRuntime::schedule(runtime::Duration delay, std::function<void()> callback) {
  const runtime::TimerId id = next_id_++;
  const runtime::TimePoint due = now_ + std::max(delay, runtime::Duration(0));
  timers_.emplace(Key{due, id}, std::move(callback));
  due_by_id_[id] = due;
  return id;
}

void FakeRuntime::cancel(runtime::TimerId id) {
  const auto it = due_by_id_.find(id);
  if (it == due_by_id_.end()) return;
  timers_.erase(Key{it->second, id});
  due_by_id_.erase(it);
}

std::size_t FakeMqttClient::payload_overhead_bytes() const {
  return runtime_.payload_overhead_bytes;
}

std::unique_ptr<runtime::MqttClient> FakeRuntime::make_client(const std::string& client_id,
                                                              int /*home*/) {
  ++clients_made_;
  return std::make_unique<FakeMqttClient>(*this, client_id);
}

bool FakeRuntime::run_next() {
  if (timers_.empty()) return false;
  auto node = timers_.extract(timers_.begin());
  due_by_id_.erase(node.key().id);
  now_ = node.key().due;
  node.mapped()();
  return true;
}

void FakeRuntime::advance(runtime::Duration delta) {
  const runtime::TimePoint end = now_ + delta;
  while (!timers_.empty() && timers_.begin()->first.due <= end) run_next();
  now_ = end;
}

runtime::Duration FakeRuntime::next_timer_in() const {
  if (timers_.empty()) return runtime::Duration(-1);
  return timers_.begin()->first.due - now_;
}

FakeMqttClient* FakeRuntime::client(const std::string& client_id) const {
  for (auto it = live_clients_.rbegin(); it != live_clients_.rend(); ++it) {
    if ((*it)->client_id() == client_id) return *it;
  }
  return nullptr;
}

}  // namespace mqttbed::testing
