// Retained messages: what a new subscription gets from the retained store is the latest
// retained message of the topic as of the subscribe, and an empty retained payload clears it.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <unordered_map>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/fault_state.h"
#include "sim/check/seq_set.h"
#include "sim/check/violation_log.h"

namespace mqttbed::check {

// Judges every delivery with RETAIN=1 (sent because of a new subscription, MQTT-3.3.1-8)
// against the subscribe that caused it (the client's latest SUBSCRIBE with a filter matching
// the topic). The delivered message P is stale when another retained publish Q on the same
// topic was surely stored before that subscribe (Q acknowledged, or seen delivered, before
// the SUBSCRIBE was sent) and surely came after P (P acknowledged before Q was sent, or
// both from one publisher with P first): MQTT-3.3.1-6, and MQTT-3.3.1-10 when Q is empty.
// A delivered empty retained message (MQTT-3.3.1-11) and a retained delivery of a message
// never published with RETAIN=1 (MQTT-3.3.1-12) are violations too. A missing retained
// delivery is judged too: a SUBACK for a filter matching a topic whose latest retained
// message was surely stored before the SUBSCRIBE (and not cleared) owes that client one
// retained delivery on that topic on the same connection (MQTT-3.3.1-6), which may come
// between the SUBSCRIBE and its SUBACK (§3.8.4 allows matching PUBLISHes first). Unless the broker
// promised to keep retained messages across a restart (CheckContext), a crash after the store
// makes the debt indeterminate; so does the connection ending before the delivery. MQTT 5:
// nothing is owed to a SUBSCRIBE with Retain Handling 2, nor with 1 when the subscription
// already existed (MQTT-3.3.1-10/-11; the subscription_options check judges those replays).
class RetainedChecker : public Checker {
 public:
  const char* name() const override { return "retained"; }
  void observe(const history::Event& event, const history::History& history) override;
  Verdict finish(const CheckContext& context) override;

 private:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  static constexpr std::size_t kCandidatesPerTopic = 16;

  struct Candidate {
    history::Event publish;           // publish_sent, or the connect_sent of a retained will
    std::int64_t stored_ns = kNever;  // when it was surely in the broker's store
  };
  struct Subscribe {
    std::uint32_t filter = 0;
    std::int64_t sent_ns = 0;
    bool held = false;     // granted, not unsubscribed, the session kept (MQTT 5 Retain Handling 1)
    bool existed = false;  // held when the latest SUBSCRIBE was sent
  };

  struct Owed {
    std::uint32_t topic = 0;
    std::int64_t subscribe_ns = 0;
    bool crash_since_store = false;
    history::Event suback;
    history::Event retained;  // the publish (or will connect) it should replay
  };

  void on_suback(const history::Event& event, const history::History& history);
  const Candidate* latest_stored_before(const std::vector<Candidate>& candidates,
                                        std::int64_t subscribe_ns) const;
  void settle_owed(std::uint32_t client, bool judged_lost, const history::History& history);
  void add_candidate(const history::Event& event);
  void mark_stored(const history::Event& event);
  void on_retained_delivery(const history::Event& event, const history::History& history);
  const Candidate* superseder(const std::vector<Candidate>& candidates, const Candidate& p,
                              std::int64_t subscribe_ns) const;
  void report(const char* invariant, const char* spec, const history::Event& delivery,
              const Candidate* delivered, const Candidate* newer, const history::History& history);

  std::unordered_map<std::uint32_t, std::vector<Candidate>> topics_;  // by topic string id
  std::map<std::string, std::uint32_t> names_;  // the same topics by name, for prefix ranges
  std::unordered_map<std::uint32_t, SeqSet> retained_seqs_;               // by publisher
  std::unordered_map<std::uint32_t, std::vector<Subscribe>> subscribes_;  // by client
  std::unordered_map<std::uint32_t, std::vector<Owed>> owed_;             // by client
  // MQTT 3.1.1 §3.8.4 lets the server send matching PUBLISH packets before the SUBACK: per
  // client with a SUBSCRIBE awaiting its SUBACK on the current connection, how many await,
  // and when each topic last got a retained delivery meanwhile (such a replay pays the debt
  // its SUBACK creates). Forgotten when none awaits or the connection ends.
  struct AwaitingSuback {
    int pending = 0;
    std::unordered_map<std::uint32_t, std::int64_t> replayed_ns;  // by topic
  };
  std::unordered_map<std::uint32_t, AwaitingSuback> awaiting_;  // by client
  FaultState faults_;
  const history::History* history_ = nullptr;
  Counts counts_;
  ViolationLog log_;
};

}  // namespace mqttbed::check
