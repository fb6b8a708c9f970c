// Message expiry (MQTT 5): a message whose Message Expiry Interval had passed before the
// server could start sending it to a subscriber is not delivered to it, and a forwarded
// message carries what is left of its interval.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/violation_log.h"

namespace mqttbed::check {

// Judged from client-side times only, so only what they prove. The server received the
// message no later than the publisher's PUBACK/PUBCOMP (acked at t_ack), and it cannot have
// sent a copy on a subscriber's connection before that connection's CONNECT was written
// (t_connect). For the first delivery of a message on a connection (DUP 0; a DUP 1 resend
// finishes a delivery the server had started, which MQTT-3.3.2-5 lets it finish), with one
// second of slack for the server's whole-second clock:
// - if t_connect > t_ack + interval + 1 s, it had expired before the server could send it
//   (MQTT-3.3.2-5): `unexpected`;
// - it must carry what is left of the interval (MQTT-3.3.2-6): no more than the interval
//   minus the whole seconds it waited at least (t_connect - t_ack), + 1 s; it may go without
//   one only when, by the longest it can have waited (publish to delivery), at most 1 s was
//   left. Else `unexpected`.
// A delivery that arrives before the publisher's ack is judged when the ack comes; QoS 0 and
// never-acknowledged publishes (no bound on the receipt) and DUP deliveries are
// `indeterminate`.
// The delivery checkers (qos1/qos2, sessions, completeness) treat a message that could have
// expired before the settle window ended as not owed.
class MessageExpiryChecker : public Checker {
 public:
  const char* name() const override { return "message_expiry"; }
  void observe(const history::Event& event, const history::History& history) override;
  Verdict finish(const CheckContext& context) override;

 private:
  struct Sent {
    history::Event publish;
    std::int64_t acked_ns = -1;
  };
  struct Delivery {
    history::Event event;
    std::int64_t connected_ns = 0;  // when the subscriber's connection began (its CONNECT)
  };
  void on_delivered(const history::Event& event, const history::History& history);
  void judge(const Sent& sent, const Delivery& delivery, const history::History& history);
  void report(const char* invariant, const char* spec, const Sent& sent, const Delivery& delivery,
              const history::History& history);

  std::unordered_map<std::uint64_t, Sent> sent_;  // publishes with an interval, by identity
  std::vector<std::int64_t> connected_ns_;        // by client: its last CONNECT written
  // Deliveries that came before their publisher's ack, by message identity.
  std::unordered_multimap<std::uint64_t, Delivery> before_ack_;
  Counts counts_;
  ViolationLog log_;
};

// Could a publish with a Message Expiry Interval have expired before `deadline_ns` (so a
// subscriber that never got it was not owed it)? The interval runs from the server's receipt,
// which is no earlier than the publish was written.
inline bool may_have_expired(const history::Event& publish, std::int64_t deadline_ns) {
  return publish.expiry_s > 0 &&
         publish.time_ns + static_cast<std::int64_t>(publish.expiry_s) * 1'000'000'000 <
             deadline_ns;
}

}  // namespace mqttbed::check
