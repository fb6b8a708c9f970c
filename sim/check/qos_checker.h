// The QoS delivery guarantees, one checker per level: QoS 0 at most once, QoS 1 at least
// once, QoS 2 exactly once, for every subscriber that was owed the message.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/client_sessions.h"
#include "sim/check/seq_set.h"
#include "sim/check/violation_log.h"

namespace mqttbed::check {

// Level 0: no message is delivered twice to a subscriber at QoS 0 (MQTT-4.3.1-1).
// Level 1 and 2: every publish the publisher saw acknowledged (PUBACK / PUBCOMP) reaches
// every subscriber that held a matching granted subscription and was connected when the
// publish was sent, if that subscriber kept its session and subscription and was connected
// at the end (MQTT-4.3.2-1, MQTT-4.4.0-1); the effective QoS is the lower of the publish's
// and the grant's (MQTT-3.8.4-6). Level 1 counts duplicates; level 2 forbids them
// (MQTT-4.3.3-2). Deliveries of messages never published count as unexpected. A client
// whose subscriptions overlap may get one copy per matching subscription (MQTT-3.3.5-1):
// up to that many copies are not duplicates. A copy above the owed QoS still pays the debt
// (the QoS itself is the deliveries checker's to judge).
class QosChecker : public Checker {
 public:
  // `sessions`: the connection/subscription tracker, shared among checkers so it is built
  // once per event (the checkers observe it first; it ignores an event seen already).
  explicit QosChecker(
      int level, std::shared_ptr<ClientSessions> sessions = std::make_shared<ClientSessions>());
  const char* name() const override;
  void observe(const history::Event& event, const history::History& history) override;
  Verdict finish(const CheckContext& context) override;

 private:
  struct Owed {
    SubscriberMark subscriber;
  };
  struct Pending {
    history::Event publish;
    bool acked = false;
    std::vector<Owed> owed;
  };

  void on_publish(const history::Event& event, const history::History& history);
  void on_delivered(const history::Event& event, const history::History& history);
  void pay(const history::Event& event);
  bool overlap_copy(const history::Event& event, const history::History& history);
  void settle(const Owed& owed, const Pending& pending, const CheckContext& context);
  Violation violation(const char* invariant, const char* spec, const history::Event& event,
                      std::uint32_t subscriber) const;

  int level_;
  const history::History* history_ = nullptr;
  std::shared_ptr<ClientSessions> sessions_;  // shared with the other checkers (make_checkers)
  std::unordered_map<std::uint64_t, Pending> pending_;   // by pair_key(publisher, seq)
  std::unordered_map<std::uint64_t, SeqSet> delivered_;  // by pair_key(subscriber, publisher)
  std::vector<std::uint64_t> last_seq_;                  // by publisher: highest seq issued
  // Copies of one message to one client with overlapping subscriptions, by
  // (pair_key(subscriber, publisher), seq); only messages delivered more than once.
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::uint32_t> overlap_copies_;
  Counts counts_;
  ViolationLog log_;
};

}  // namespace mqttbed::check
