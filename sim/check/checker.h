// The checker interface: one small unit per MQTT guarantee, judging only the client-side
// history (never broker internals), so it judges the built-in broker and a real one alike.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/history/event.h"
#include "sim/history/history.h"

namespace mqttbed::check {

// The run's settle window: faults healed at settle_start_ns, the run ended at end_ns.
// Deliveries owed for publishes made before settle_start_ns must have happened by end_ns.
struct CheckContext {
  std::int64_t end_ns = 0;
  std::int64_t settle_start_ns = 0;  // <= 0: unknown, end_ns is used instead
  // What the scenario declares the broker promised (`broker: {persistence: ...}`): retained
  // messages and persistent sessions, with their queued messages, survive a crash and restart.
  bool broker_persistence = true;
  // The declared profile promises per-publisher order (`broker: {ordering}`, MQTT-4.6.0-6);
  // false (aws-iot): the order checks say "not promised" instead of judging.
  bool broker_ordering = true;
  // The declared largest payload (`broker: {payload_limit}`), envelope included; 0 = unknown.
  std::int64_t payload_limit_bytes = 0;
  std::int64_t deadline_ns() const { return settle_start_ns > 0 ? settle_start_ns : end_ns; }
};

// How the checked items were classified, as Jepsen's queue checker does.
struct Counts {
  std::uint64_t checked = 0;  // items judged (expected deliveries, deliveries, ...)
  std::uint64_t ok = 0;
  std::uint64_t lost = 0;           // owed and never delivered
  std::uint64_t duplicated = 0;     // delivered more than once
  std::uint64_t unexpected = 0;     // delivered but never published (or not allowed)
  std::uint64_t indeterminate = 0;  // cannot be judged: the ack never came, a session broke
};

// One broken invariant, with the evidence.
struct Violation {
  std::string invariant;             // what should have held, in words
  std::string spec;                  // the MQTT statement id it comes from, e.g. MQTT-4.6.0-6
  std::vector<std::string> clients;  // clients involved (publisher first when known)
  std::string topic;
  std::vector<std::string> messages;  // message identities "publisher#seq"
  std::vector<std::string> excerpt;   // the history events that prove it, one per line
};

struct Verdict {
  std::string guarantee;  // "qos1", "ordering", ...
  bool passed = true;
  Counts counts;
  std::vector<Violation> violations;  // the first few, in full
  std::uint64_t violation_count = 0;  // all of them (violations.size() <= violation_count)
  // Non-empty: the declared broker profile does not promise this guarantee, so it was not
  // judged (passed, no violations); the text says why and what was seen.
  std::string not_promised;
  // Passed without judging anything: nothing was seen to hold or to fail (checked 0, or
  // every item indeterminate). Said loudly in the summary and the report (docs/checks.md).
  bool nothing_checked() const {
    return passed && not_promised.empty() &&
           counts.ok + counts.lost + counts.duplicated + counts.unexpected == 0;
  }
};

class Checker {
 public:
  virtual ~Checker() = default;
  // The guarantee's name as in verdicts ("qos0", "qos1", ..., "completeness").
  virtual const char* name() const = 0;
  // Called for every event in history order.
  virtual void observe(const history::Event& event, const history::History& history) = 0;
  // Called once, after the last event.
  virtual Verdict finish(const CheckContext& context) = 0;
};

}  // namespace mqttbed::check
