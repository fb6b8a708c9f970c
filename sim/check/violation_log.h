// Keeps a checker's violations bounded: the first few in full (with history excerpts), the
// rest only counted, so a badly broken 25M-event run still yields a readable verdict.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/check/checker.h"
#include "sim/history/event.h"
#include "sim/history/history.h"

namespace mqttbed::check {

inline constexpr std::size_t kMaxDetailedViolations = 20;

class ViolationLog {
 public:
  // True when a violation added now would be kept in full (worth building its excerpt).
  bool wants_detail() const { return violations_.size() < kMaxDetailedViolations; }
  void add(Violation violation);
  std::uint64_t count() const { return count_; }
  // Takes `other`'s violations after this log's own (still bounded) and its count.
  void merge(ViolationLog&& other);
  // The checker's verdict: these counts and the violations logged (passed when none). Hands
  // the violations over: call it once, from finish().
  Verdict verdict(const char* guarantee, const Counts& counts);

 private:
  std::vector<Violation> violations_;
  std::uint64_t count_ = 0;
};

// The verdict of a guarantee the declared broker profile does not promise: passed, nothing
// reported as a violation, and `why` with how many items would have broken the promise.
Verdict not_promised_verdict(const char* guarantee, const Counts& counts,
                             std::uint64_t out_of_promise, const std::string& why);

// One event as a line of an excerpt: "12.000000500s dev delivered a/b qos=1 msg=pub#3 dup".
std::string describe_event(const history::Event& event, const history::History& history);
// "publisher#seq", or "?" for an unknown identity.
std::string describe_message(history::MessageId id, const history::History& history);

}  // namespace mqttbed::check
