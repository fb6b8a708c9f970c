// The server side of MQTT sessions (3.1.1 §3.1.2.4, §4.1): subscriptions, QoS 1/2 in-flight
// window and packet ids, the queue behind it, incoming QoS 2 ids; and the store by client id.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/mqtt/message.h"
#include "sim/mqtt/packet.h"

namespace mqttbed::mqtt {

struct SessionLimits {
  int max_inflight = 20;  // QoS 1+2 messages sent and not yet fully acknowledged
  int max_queued = 1000;  // messages waiting behind the in-flight window
};

// A packet the session wants written to its client: a PUBLISH (first send or resend) or a
// PUBREL (resend of the second half of a QoS 2 flow).
struct Outgoing {
  PacketType type = PacketType::publish;
  std::uint16_t packet_id = 0;  // 0 for a QoS 0 PUBLISH
  Message message;              // PUBLISH only
  bool dup = false;

  Packet to_packet() const;
};

class Session {
 public:
  Session(std::string client_id, SessionLimits limits);

  const std::string& client_id() const { return client_id_; }

  // Returns true if the filter is new; an existing one gets the new QoS (MQTT-3.8.4-3).
  bool subscribe(const std::string& filter, std::uint8_t qos);
  bool unsubscribe(const std::string& filter);  // true if it was subscribed
  const std::map<std::string, std::uint8_t>& subscriptions() const { return subscriptions_; }

  // Puts a message behind the in-flight window; false (and counted) when the queue is full.
  bool enqueue(Message message);
  // Moves queued messages into the in-flight window while it has room and returns the
  // PUBLISHes to send now. QoS>0 messages get a packet id not in use (MQTT-2.3.1-1/-2).
  // At `now_ns` (the server's clock), a queued message whose Message Expiry Interval has
  // passed is dropped instead (MQTT-3.3.2-5), and one sent carries what is left of it
  // (MQTT-3.3.2-6); `honour_expiry` false forwards every message with the interval as
  // received (a broker-model mutation).
  std::vector<Outgoing> take_sendable(std::int64_t now_ns = 0, bool honour_expiry = true);

  // Acknowledgements of outgoing flows; false if no matching flow was in flight.
  bool on_puback(std::uint16_t packet_id);   // QoS 1 done, frees its id (MQTT-2.3.1-4)
  bool on_pubrec(std::uint16_t packet_id);   // QoS 2: now awaits PUBCOMP; caller sends PUBREL
  bool on_pubcomp(std::uint16_t packet_id);  // QoS 2 done, frees its id

  // On reconnect of a persistent session: every unacknowledged PUBLISH again with DUP=1
  // and every PUBREL, with the original ids, in the original order (MQTT-4.4.0-1).
  std::vector<Outgoing> resend_unacknowledged() const;

  // Incoming QoS 2 (method A, MQTT 3.1.1 Figure 4.3): true if the id is new and the
  // message must be delivered; false for a duplicate PUBLISH still held (MQTT-4.3.3-2).
  bool begin_incoming_qos2(std::uint16_t packet_id);
  // PUBREL: forget the id so it may be reused (MQTT-4.3.3-2); true if it was held.
  bool release_incoming_qos2(std::uint16_t packet_id);

  // v5 Receive Maximum of the connection the session is on (MQTT-3.3.4-9): no more QoS 1/2
  // PUBLISHes unacknowledged than this; 0 = none announced (65535).
  void set_receive_maximum(std::uint16_t maximum) { receive_maximum_ = maximum; }

  std::size_t inflight_count() const { return inflight_.size(); }
  std::size_t queued_count() const { return queue_.size(); }
  std::uint64_t dropped_count() const { return dropped_; }
  std::uint64_t expired_count() const { return expired_; }
  std::size_t incoming_qos2_count() const { return incoming_qos2_.size(); }

  // Discards all state (MQTT-3.1.2-6); the dropped counter too.
  void clear();

 private:
  enum class Stage : std::uint8_t { awaiting_puback, awaiting_pubrec, awaiting_pubcomp };
  struct Inflight {
    std::uint16_t packet_id = 0;
    Stage stage = Stage::awaiting_puback;
    Message message;
  };

  std::uint16_t allocate_packet_id();
  std::list<Inflight>::iterator find_inflight(std::uint16_t packet_id);
  bool id_in_use(std::uint16_t packet_id) const;
  std::size_t window_size() const;

  std::string client_id_;
  SessionLimits limits_;
  std::map<std::string, std::uint8_t> subscriptions_;
  std::list<Inflight> inflight_;  // send order, for resends in order (MQTT-4.6.0-1)
  // Lists, not deques: libstdc++ gives even an empty deque ~600 B, and there is a session
  // per device.
  std::list<Message> queue_;
  std::set<std::uint16_t> incoming_qos2_;
  std::uint16_t next_packet_id_ = 1;
  std::uint16_t receive_maximum_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t expired_ = 0;
};

// Sessions by client id, each with a stable numeric key (for the subscription index).
class SessionStore {
 public:
  struct Attached {
    Session& session;
    std::uint64_t key;
    bool session_present;
  };

  // CONNECT: a clean session discards any stored state (MQTT-3.1.2-6) and reports no
  // session (MQTT-3.2.2-1); a persistent one resumes stored state, reporting whether it
  // existed (MQTT-3.2.2-2, MQTT-3.2.2-3).
  Attached attach(const std::string& client_id, bool clean_session, SessionLimits limits);

  Session* find(const std::string& client_id);
  Session* find(std::uint64_t key);
  std::uint64_t key_of(const std::string& client_id) const;  // 0 if absent
  bool erase(const std::string& client_id);
  void clear();
  std::size_t size() const { return sessions_.size(); }

 private:
  // Hash maps: looked up on every packet, at 100,000 sessions a tree search was ~5% of a run.
  std::unordered_map<std::uint64_t, std::unique_ptr<Session>> sessions_;
  std::unordered_map<std::string, std::uint64_t> keys_;
  std::uint64_t next_key_ = 1;
};

}  // namespace mqttbed::mqtt
