// Application completeness (the talk's seq/total technique): each (publisher, topic)
// stream's app_seq numbers arrive at each subscriber complete and in order, or the gap is
// reported.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/client_sessions.h"
#include "sim/check/seq_set.h"
#include "sim/check/violation_log.h"

namespace mqttbed::check {

// A publisher numbers the messages of a stream 1..total and starts again at 1 (sensors do);
// a message's position in the stream is cycle * total + app_seq - base (the base is 0 when the
// publisher counts from 0), the cycle known from the
// publisher's own publishes. Per subscriber, consecutive first deliveries must be at
// consecutive positions (a message this subscriber already had is a redelivery and skipped:
// a publisher's QoS 1 resend is forwarded as a new message, with DUP=0, MQTT-3.3.1-3):
//  - a lower position arriving later is out of order (a violation, MQTT-4.6.0-6, when the
//    declared broker promises order: CheckContext::broker_ordering; else it counts ok);
//  - a skipped position is a gap: explained (counted indeterminate) when the subscriber's
//    connection or the publisher's connection ended in between, else lost (a violation).
//    Gaps are judged at the end, so a message that arrives late fills its gap and counts
//    only as out of order;
//  - at the end, positions published before the settle window but never delivered are a
//    tail gap, judged the same way.
class CompletenessChecker : public Checker {
 public:
  // `sessions`: shared with the other checkers (see QosChecker).
  explicit CompletenessChecker(
      std::shared_ptr<ClientSessions> sessions = std::make_shared<ClientSessions>())
      : sessions_(std::move(sessions)) {}
  const char* name() const override { return "completeness"; }
  void observe(const history::Event& event, const history::History& history) override;
  Verdict finish(const CheckContext& context) override;

 private:
  struct Published {
    std::uint64_t position = 0;
    std::uint64_t msg_seq = 0;
    std::int64_t time_ns = 0;
  };
  struct Stream {
    std::uint32_t publisher = 0;
    std::uint32_t topic = 0;
    std::uint32_t total = 0;
    std::uint32_t last_app_seq = 0;
    std::uint32_t base = 1;  // the first seq of a cycle: 1, or 0 for publishers counting 0..
    std::uint64_t cycle = 0;
    std::vector<std::uint64_t> cycle_starts;  // msg seq of each cycle's first publish
    std::deque<Published> recent;             // the last few publishes, for the tail check
    // Its publisher set a Message Expiry Interval: a missing message may have expired, which
    // MQTT-3.3.2-5 requires (message_expiry judges that), so its gaps are not losses.
    bool expires = false;
  };
  struct Gap {
    std::uint64_t from = 0;  // first missing position
    std::uint64_t to = 0;    // last missing position
    bool explained = false;
    history::Event before;  // the deliveries around it, for the excerpt
    history::Event after;
  };
  static constexpr std::size_t kMaxOpenGaps = 64;  // per reader; older ones are judged early
  struct Reader {
    std::uint32_t stream = 0;
    std::uint32_t subscriber = 0;
    std::uint64_t position = 0;  // of the last first delivery
    std::uint64_t msg_seq = 0;
    SubscriberMark mark;  // the subscriber's epochs at that delivery
    history::Event last;
    std::vector<Gap> gaps;  // open gaps, in position order
  };

  std::uint32_t stream_of(const history::Event& event, bool create);
  void on_publish(const history::Event& event);
  void on_delivered(const history::Event& event);
  std::uint64_t position_of(const Stream& stream, std::uint64_t msg_seq,
                            std::uint32_t app_seq) const;
  // Did the publisher's connection end after message `from_seq` and before `to_seq`?
  bool publisher_broke(std::uint32_t publisher, std::uint64_t from_seq, std::uint64_t to_seq) const;
  void out_of_order(Reader& reader, std::uint64_t position, const history::Event& event);
  // Does the subscriber hold a granted filter matching the delivery's topic now?
  bool holds_matching(const history::Event& event) const;
  static constexpr std::uint32_t kNoSubscription = UINT32_MAX;  // a mark's subscriptions
  // Counts a gap, and reports it when unexplained; `after` null for a tail gap.
  void judge(const Reader& reader, const Gap& gap, const history::Event* after);

  const history::History* history_ = nullptr;
  std::shared_ptr<ClientSessions> sessions_;  // shared with the other checkers (make_checkers)
  std::vector<Stream> streams_;
  std::unordered_map<std::uint64_t, std::uint32_t> stream_index_;  // pair_key(pub, topic)
  std::unordered_map<std::uint64_t, Reader> readers_;              // pair_key(subscriber, stream)
  std::unordered_map<std::uint64_t, SeqSet> delivered_;  // pair_key(subscriber, publisher)
  std::vector<std::uint64_t> last_issued_;               // by client: last msg seq issued
  std::vector<std::vector<std::uint64_t>> breaks_;       // by client: last seq at each end
  Counts counts_;
  ViolationLog log_;
  ViolationLog order_log_;  // arrivals out of order, judged at finish (CheckContext)
  std::uint64_t out_of_order_ = 0;
};

}  // namespace mqttbed::check
