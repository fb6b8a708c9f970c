#include "sim/history/history.h"

#include <array>

namespace mqttbed::history {
namespace {

constexpr std::array<const char*, 16> kEventTypeNames = {
    "connect_sent", "connack",          "connect_failed",  "subscribe_sent",
    "suback",       "unsubscribe_sent", "publish_sent",    "publish_acked",
    "pubrec",       "delivered",        "disconnect_sent", "connection_lost",
    "fault",        "unsuback",         "ack_sent",        "attempt"};

}  // namespace

const char* to_string(EventType type) {
  const auto index = static_cast<std::size_t>(type);
  return index < kEventTypeNames.size() ? kEventTypeNames[index] : "unknown";
}

bool event_type_from_string(std::string_view name, EventType* type) {
  for (std::size_t i = 0; i < kEventTypeNames.size(); ++i) {
    if (name == kEventTypeNames[i]) {
      *type = static_cast<EventType>(i);
      return true;
    }
  }
  return false;
}

History::History() {
  clients_.emplace_back();
  client_index_.emplace("", 0);
  strings_.emplace_back();
  string_index_.emplace("", 0);
}

std::uint32_t History::client_id(const std::string& name) {
  auto [it, inserted] =
      client_index_.try_emplace(name, static_cast<std::uint32_t>(clients_.size()));
  if (inserted) clients_.push_back(name);
  return it->second;
}

std::uint32_t History::transient_string_id(std::string text) {
  if (transient_.empty()) transient_.resize(kTransientSlots);
  std::uint32_t id = transient_next_;
  transient_next_ = (transient_next_ + 1) & ~kTransientBit;
  transient_[id % kTransientSlots] = std::move(text);
  return id | kTransientBit;
}

const std::string& History::transient(std::uint32_t id) const {
  static const std::string kGone = "(no longer held)";
  std::uint32_t index = id & ~kTransientBit;
  std::uint32_t age = (transient_next_ - index) & ~kTransientBit;
  if (transient_.empty() || age == 0 || age > kTransientSlots) return kGone;
  return transient_[index % kTransientSlots];
}

std::uint32_t History::string_id(const std::string& text) {
  auto [it, inserted] =
      string_index_.try_emplace(text, static_cast<std::uint32_t>(strings_.size()));
  if (inserted) strings_.push_back(text);
  return it->second;
}

std::uint64_t History::next_message_seq(std::uint32_t client) {
  if (client >= last_seq_.size()) last_seq_.resize(client + 1, 0);
  return ++last_seq_[client];
}

void History::append(const Event& event) {
  ++count_;
  for (const auto& observer : observers_) observer(event);
}

}  // namespace mqttbed::history
