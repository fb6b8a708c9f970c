#include "sim/check/message_expiry_checker.h"

#include "sim/check/seq_set.h"

namespace mqttbed::check {

using history::Event;
using history::EventType;

namespace {
constexpr std::int64_t kNsPerS = 1'000'000'000;
// The server counts the interval in whole seconds on a clock of its own (mosquitto 2.0
// expires a 3 s message received at 9.6 s at 12 s by its clock, i.e. up to a second late).
constexpr std::int64_t kRoundingSlackNs = 1'000'000'000;
}  // namespace

void MessageExpiryChecker::observe(const Event& event, const history::History& history) {
  switch (event.type) {
    case EventType::connect_sent:
      if (event.client >= connected_ns_.size()) connected_ns_.resize(event.client + 1, 0);
      connected_ns_[event.client] = event.time_ns;
      return;
    case EventType::publish_sent:
      if (event.expiry_s > 0 && event.msg.seq != 0) sent_[message_key(event.msg)] = {event, -1};
      return;
    case EventType::publish_acked: {
      if (event.code >= 0x80) return;  // refused: never forwarded
      auto it = sent_.find(message_key(event.msg));
      if (it == sent_.end()) return;
      it->second.acked_ns = event.time_ns;
      auto [first, last] = before_ack_.equal_range(message_key(event.msg));
      for (auto d = first; d != last; ++d) judge(it->second, d->second, history);
      before_ack_.erase(first, last);
      return;
    }
    case EventType::delivered:
      on_delivered(event, history);
      return;
    default:
      return;
  }
}

void MessageExpiryChecker::on_delivered(const Event& event, const history::History& history) {
  if (event.msg.seq == 0 || event.is_will) return;
  auto it = sent_.find(message_key(event.msg));
  if (it == sent_.end()) return;  // published without an interval
  if (event.dup || event.client >= connected_ns_.size()) {
    ++counts_.checked;
    ++counts_.indeterminate;
    return;
  }
  const Delivery delivery{event, connected_ns_[event.client]};
  if (it->second.acked_ns < 0) {
    before_ack_.emplace(message_key(event.msg), delivery);  // judged when the ack comes
    return;
  }
  judge(it->second, delivery, history);
}

void MessageExpiryChecker::judge(const Sent& sent, const Delivery& delivery,
                                 const history::History& history) {
  ++counts_.checked;
  const std::int64_t interval_ns = std::int64_t{sent.publish.expiry_s} * kNsPerS;
  // The server kept it at least from the ack to the CONNECT (lower bound), at most from the
  // publish to the delivery (upper bound).
  const std::int64_t waited_at_least_ns = delivery.connected_ns - sent.acked_ns;
  const std::int64_t waited_at_most_ns = delivery.event.time_ns - sent.publish.time_ns;
  if (waited_at_least_ns > interval_ns + kRoundingSlackNs) {
    report(
        "a message whose expiry interval passed before the server could send it is not "
        "delivered",
        "MQTT-3.3.2-5", sent, delivery, history);
    return;
  }
  const std::uint32_t forwarded_s = delivery.event.expiry_s;
  // With no interval left by the server's whole-second clock it may go without one.
  const bool missing = forwarded_s == 0 && interval_ns - waited_at_most_ns > kRoundingSlackNs;
  const std::int64_t waited_s = waited_at_least_ns > 0 ? waited_at_least_ns / kNsPerS : 0;
  const bool too_long = forwarded_s > 0 && std::int64_t{forwarded_s} * kNsPerS >
                                               interval_ns - waited_s * kNsPerS + kRoundingSlackNs;
  if (missing || too_long) {
    report(
        "a forwarded message carries its expiry interval minus the time it waited in the "
        "server",
        "MQTT-3.3.2-6", sent, delivery, history);
    return;
  }
  ++counts_.ok;
}

void MessageExpiryChecker::report(const char* invariant, const char* spec, const Sent& sent,
                                  const Delivery& delivery, const history::History& history) {
  const Event& event = delivery.event;
  ++counts_.unexpected;
  Violation v{invariant,
              spec,
              {history.client_name(sent.publish.client), history.client_name(event.client)},
              history.string(event.topic),
              {describe_message(event.msg, history)},
              {}};
  if (log_.wants_detail()) {
    v.excerpt.push_back(describe_event(sent.publish, history));
    v.excerpt.push_back("(acknowledged at " + std::to_string(sent.acked_ns) + " ns; " +
                        history.client_name(event.client) + " connected at " +
                        std::to_string(delivery.connected_ns) + " ns)");
    v.excerpt.push_back(describe_event(event, history));
  }
  log_.add(std::move(v));
}

Verdict MessageExpiryChecker::finish(const CheckContext&) {
  // Never acknowledged: nothing bounds when the server received them.
  counts_.checked += before_ack_.size();
  counts_.indeterminate += before_ack_.size();
  return log_.verdict(name(), counts_);
}

}  // namespace mqttbed::check
