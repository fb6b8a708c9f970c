// Retained messages: what a new subscription gets from the retained store is the latest
// retained message of the topic as of the subscribe, and an empty retained payload clears it.
#pragma once

#include <cstdint>
#include <limits>
#include <unordered_map>
#include <vector>

#include "sim/check/checker.h"
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
// delivery is not judged (the store may legitimately be empty after a non-persistent crash).
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
  };

  void add_candidate(const history::Event& event);
  void mark_stored(const history::Event& event);
  void on_retained_delivery(const history::Event& event, const history::History& history);
  const Candidate* superseder(const std::vector<Candidate>& candidates, const Candidate& p,
                              std::int64_t subscribe_ns) const;
  void report(const char* invariant, const char* spec, const history::Event& delivery,
              const Candidate* delivered, const Candidate* newer, const history::History& history);

  std::unordered_map<std::uint32_t, std::vector<Candidate>> topics_;      // by topic string id
  std::unordered_map<std::uint32_t, SeqSet> retained_seqs_;               // by publisher
  std::unordered_map<std::uint32_t, std::vector<Subscribe>> subscribes_;  // by client
  Counts counts_;
  ViolationLog log_;
};

}  // namespace mqttbed::check
