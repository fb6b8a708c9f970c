#include "sim/check/payload_limit_checker.h"

#include "sim/check/seq_set.h"
#include "sim/history/envelope.h"

namespace mqttbed::check {

using history::Event;
using history::EventType;

namespace {
constexpr std::size_t kExcerptsPerSize = 4;
// A message undelivered after this many more publishes is left indeterminate: the table of
// unanswered publishes stays small on a long run of QoS 0 traffic nobody reads.
constexpr std::size_t kMaxUndelivered = 1 << 16;
}  // namespace

std::uint32_t PayloadLimitChecker::wire_bytes(const Event& event,
                                              const history::History& history) const {
  const std::string& publisher = history.client_name(event.msg.publisher);
  return event.bytes +
         static_cast<std::uint32_t>(history::envelope::overhead_bytes(publisher, event.msg.seq));
}

void PayloadLimitChecker::observe(const Event& event, const history::History& history) {
  history_ = &history;
  if (event.msg.seq == 0 || event.is_will) return;  // foreign messages have no known size
  const std::uint64_t key = pair_key(event.msg.publisher, event.msg.seq);
  switch (event.type) {
    case EventType::publish_sent: {
      const std::uint32_t size = wire_bytes(event, history);
      ++by_size_[size].published;
      if (undelivered_.size() == kMaxUndelivered) undelivered_.erase(undelivered_.begin());
      undelivered_[key] = {size, false};
      break;
    }
    case EventType::publish_acked:
      if (auto it = undelivered_.find(key); it != undelivered_.end() && !it->second.acked) {
        it->second.acked = true;
        ++by_size_[it->second.wire_bytes].acked_undelivered;
      }
      break;
    case EventType::delivered: {
      Tally& tally = by_size_[wire_bytes(event, history)];
      ++tally.copies;
      if (tally.first_deliveries.size() < kExcerptsPerSize) tally.first_deliveries.push_back(event);
      if (auto it = undelivered_.find(key); it != undelivered_.end()) {
        Tally& sent = by_size_[it->second.wire_bytes];
        if (it->second.acked) --sent.acked_undelivered;
        ++sent.delivered_messages;
        undelivered_.erase(it);
      }
      break;
    }
    default:
      break;
  }
}

Verdict PayloadLimitChecker::finish(const CheckContext& context) {
  Counts counts;
  ViolationLog log;
  if (context.payload_limit_bytes <= 0) return log.verdict(name(), counts);
  const auto limit = static_cast<std::uint64_t>(context.payload_limit_bytes);
  for (const auto& [size, tally] : by_size_) {
    if (size <= limit) {
      const std::uint64_t answered = tally.delivered_messages + tally.acked_undelivered;
      counts.checked += tally.published;
      counts.ok += answered;
      counts.indeterminate += tally.published > answered ? tally.published - answered : 0;
      continue;
    }
    // Over the limit: a publish never delivered was refused (ok); every copy delivered is a
    // violation.
    counts.checked += tally.published;
    counts.ok +=
        tally.published > tally.delivered_messages ? tally.published - tally.delivered_messages : 0;
    counts.unexpected += tally.copies;
    for (std::uint64_t i = 0; i < tally.copies; ++i) {
      if (!log.wants_detail()) {
        log.add(Violation{});  // counted; only the first few are kept in full
        continue;
      }
      Violation v{"a payload over the broker's declared limit (" + std::to_string(limit) +
                      " B) is refused, never delivered (" + std::to_string(size) + " B was)",
                  "broker.payload_limit",
                  {},
                  {},
                  {},
                  {}};
      if (i < tally.first_deliveries.size()) {
        const Event& event = tally.first_deliveries[i];
        v.clients = {history_->client_name(event.msg.publisher),
                     history_->client_name(event.client)};
        v.topic = history_->string(event.topic);
        v.messages = {describe_message(event.msg, *history_)};
        v.excerpt = {describe_event(event, *history_)};
      }
      log.add(std::move(v));
    }
  }
  return log.verdict(name(), counts);
}

}  // namespace mqttbed::check
