// Server-side session state: in-flight window, queue, packet ids, incoming QoS 2 ids.
#include "sim/mqtt/session.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace mqttbed::mqtt {
namespace {

constexpr std::size_t kMaxPacketIds = 65535;  // ids are 1..65535 (MQTT-2.3.1-1)

}  // namespace

Packet Outgoing::to_packet() const {
  Packet packet;
  packet.type = type;
  packet.packet_id = packet_id;
  if (type == PacketType::publish) {
    packet.topic = message.topic;
    packet.payload = message.payload;
    packet.qos = message.qos;
    packet.retain = message.retain;
    packet.dup = dup;
    packet.message_expiry_s = message.expiry_s;
    packet.subscription_ids = message.subscription_ids;
    packet.properties = message.properties;
  }
  return packet;
}

Session::Session(std::string client_id, SessionLimits limits)
    : client_id_(std::move(client_id)), limits_(limits) {
  if (limits_.max_inflight < 1 || limits_.max_queued < 0) {
    throw std::invalid_argument("Session \"" + client_id_ + "\": max_inflight must be >= 1 and " +
                                "max_queued >= 0, got " + std::to_string(limits_.max_inflight) +
                                " and " + std::to_string(limits_.max_queued));
  }
}

bool Session::subscribe(const std::string& filter, std::uint8_t qos) {
  return subscriptions_.insert_or_assign(filter, qos).second;
}

bool Session::unsubscribe(const std::string& filter) { return subscriptions_.erase(filter) != 0; }

bool Session::enqueue(Message message) {
  if (queue_.size() >= static_cast<std::size_t>(limits_.max_queued)) {
    ++dropped_;
    return false;
  }
  queue_.push_back(std::move(message));
  return true;
}

std::size_t Session::window_size() const {
  const std::size_t window =
      std::min(static_cast<std::size_t>(limits_.max_inflight), kMaxPacketIds);
  return receive_maximum_ == 0 ? window : std::min<std::size_t>(window, receive_maximum_);
}

std::vector<Outgoing> Session::take_sendable(std::int64_t now_ns, bool honour_expiry) {
  constexpr std::int64_t kNsPerS = 1'000'000'000;
  std::vector<Outgoing> out;
  // The queue is FIFO and never overtaken, so each subscriber sees publish order
  // (MQTT-4.6.0-6 ordered topics). QoS 0 needs no window slot.
  while (!queue_.empty()) {
    Message& front = queue_.front();
    if (front.expiry_s > 0 && honour_expiry) {
      const std::int64_t waited_s = std::max<std::int64_t>(0, now_ns - front.received_ns) / kNsPerS;
      if (waited_s >= front.expiry_s) {  // MQTT-3.3.2-5: expired before onward delivery began
        queue_.pop_front();
        ++expired_;
        continue;
      }
      front.expiry_s -= static_cast<std::uint32_t>(waited_s);  // MQTT-3.3.2-6
      front.received_ns += waited_s * kNsPerS;
    }
    Outgoing next;
    if (front.qos > 0) {
      if (inflight_.size() >= window_size()) break;
      next.packet_id = allocate_packet_id();
      inflight_.push_back(Inflight{
          next.packet_id, front.qos == 1 ? Stage::awaiting_puback : Stage::awaiting_pubrec, front});
    }
    next.message = std::move(front);
    queue_.pop_front();
    out.push_back(std::move(next));
  }
  return out;
}

bool Session::id_in_use(std::uint16_t packet_id) const {
  return std::any_of(inflight_.begin(), inflight_.end(),
                     [packet_id](const Inflight& f) { return f.packet_id == packet_id; });
}

std::uint16_t Session::allocate_packet_id() {
  // MQTT-2.3.1-1: non-zero; MQTT-2.3.1-2: not reused while its flow is unfinished. The
  // window is at most 65535, so a free id always exists when this is called.
  while (id_in_use(next_packet_id_)) {
    next_packet_id_ = next_packet_id_ == 65535 ? 1 : next_packet_id_ + 1;
  }
  const std::uint16_t id = next_packet_id_;
  next_packet_id_ = next_packet_id_ == 65535 ? 1 : next_packet_id_ + 1;
  return id;
}

std::list<Session::Inflight>::iterator Session::find_inflight(std::uint16_t packet_id) {
  return std::find_if(inflight_.begin(), inflight_.end(),
                      [packet_id](const Inflight& f) { return f.packet_id == packet_id; });
}

bool Session::on_puback(std::uint16_t packet_id) {
  auto it = find_inflight(packet_id);
  if (it == inflight_.end() || it->stage != Stage::awaiting_puback) return false;
  inflight_.erase(it);  // MQTT-2.3.1-4: the id is free again
  return true;
}

bool Session::on_pubrec(std::uint16_t packet_id) {
  auto it = find_inflight(packet_id);
  if (it == inflight_.end() || it->stage == Stage::awaiting_puback) return false;
  // MQTT-4.3.3-1: after PUBREC the message is no longer resent; only PUBREL is.
  it->stage = Stage::awaiting_pubcomp;
  it->message = Message{};
  return true;
}

bool Session::on_pubcomp(std::uint16_t packet_id) {
  auto it = find_inflight(packet_id);
  if (it == inflight_.end() || it->stage != Stage::awaiting_pubcomp) return false;
  inflight_.erase(it);
  return true;
}

std::vector<Outgoing> Session::resend_unacknowledged() const {
  std::vector<Outgoing> out;
  out.reserve(inflight_.size());
  for (const Inflight& flight : inflight_) {
    Outgoing again;
    again.packet_id = flight.packet_id;
    if (flight.stage == Stage::awaiting_pubcomp) {
      again.type = PacketType::pubrel;
    } else {
      again.message = flight.message;
      again.dup = true;  // MQTT-3.3.1-1: a re-delivery attempt sets DUP
    }
    out.push_back(std::move(again));
  }
  return out;
}

bool Session::begin_incoming_qos2(std::uint16_t packet_id) {
  return incoming_qos2_.insert(packet_id).second;
}

bool Session::release_incoming_qos2(std::uint16_t packet_id) {
  return incoming_qos2_.erase(packet_id) != 0;
}

void Session::clear() {
  subscriptions_.clear();
  inflight_.clear();
  queue_.clear();
  incoming_qos2_.clear();
  next_packet_id_ = 1;
  dropped_ = 0;
}

SessionStore::Attached SessionStore::attach(const std::string& client_id, bool clean_session,
                                            SessionLimits limits) {
  auto found = keys_.find(client_id);
  if (found != keys_.end() && clean_session) {
    // MQTT-3.1.2-6: state of a previous session is not reused by a clean one.
    sessions_.erase(found->second);
    keys_.erase(found);
    found = keys_.end();
  }
  if (found != keys_.end()) {
    return Attached{*sessions_.at(found->second), found->second, true};  // MQTT-3.2.2-2
  }
  const std::uint64_t key = next_key_++;
  auto [entry, inserted] = sessions_.emplace(key, std::make_unique<Session>(client_id, limits));
  (void)inserted;
  keys_.emplace(client_id, key);
  return Attached{*entry->second, key, false};  // MQTT-3.2.2-1, MQTT-3.2.2-3
}

Session* SessionStore::find(const std::string& client_id) {
  auto it = keys_.find(client_id);
  return it == keys_.end() ? nullptr : sessions_.at(it->second).get();
}

Session* SessionStore::find(std::uint64_t key) {
  auto it = sessions_.find(key);
  return it == sessions_.end() ? nullptr : it->second.get();
}

std::uint64_t SessionStore::key_of(const std::string& client_id) const {
  auto it = keys_.find(client_id);
  return it == keys_.end() ? 0 : it->second;
}

bool SessionStore::erase(const std::string& client_id) {
  auto it = keys_.find(client_id);
  if (it == keys_.end()) return false;
  sessions_.erase(it->second);
  keys_.erase(it);
  return true;
}

void SessionStore::clear() {
  sessions_.clear();
  keys_.clear();
}

}  // namespace mqttbed::mqtt
