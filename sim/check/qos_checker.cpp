#include "sim/check/qos_checker.h"

#include <algorithm>
#include <utility>

#include "sim/check/message_expiry_checker.h"
#include "sim/mqtt/topic.h"

namespace mqttbed::check {

using history::Event;
using history::EventType;

QosChecker::QosChecker(int level, std::shared_ptr<ClientSessions> sessions)
    : level_(level), sessions_(std::move(sessions)) {}

const char* QosChecker::name() const {
  static const char* const kNames[] = {"qos0", "qos1", "qos2"};
  return kNames[std::clamp(level_, 0, 2)];
}

void QosChecker::observe(const Event& event, const history::History& history) {
  history_ = &history;
  // QoS 0 owes nothing to anyone, but needs the subscriptions to tell overlap copies.
  sessions_->observe(event, history);
  switch (event.type) {
    case EventType::connect_sent:
    case EventType::publish_sent:
      if (event.msg.seq != 0) {
        if (event.msg.publisher >= last_seq_.size()) last_seq_.resize(event.msg.publisher + 1);
        last_seq_[event.msg.publisher] = std::max(last_seq_[event.msg.publisher], event.msg.seq);
      }
      if (event.type == EventType::publish_sent) on_publish(event, history);
      break;
    case EventType::publish_acked:
      // A v5 reason code of 0x80 or more refuses the message (MQTT 5 §3.4.2.1): nothing owed.
      if (event.code >= 0x80) break;
      if (auto it = pending_.find(message_key(event.msg)); it != pending_.end()) {
        it->second.acked = true;
      }
      break;
    case EventType::delivered:
      on_delivered(event, history);
      break;
    default:
      break;
  }
}

void QosChecker::on_publish(const Event& event, const history::History& history) {
  if (level_ == 0 || event.qos < level_) return;
  // An empty retained PUBLISH travels without its identity (client_recorder.h): its
  // deliveries cannot be told from any other foreign message, so nothing is owed by id.
  if (event.retain && event.bytes == 0) return;
  Pending pending{event, false, {}};
  sessions_->connected_subscribers(history.string(event.topic), [&](const SubscriberMark& mark) {
    // MQTT-3.8.4-6: delivered at the lower of the publish QoS and the granted QoS.
    if (std::min<int>(event.qos, mark.granted_qos) == level_ && mark.owed_from(event.client))
      pending.owed.push_back({mark});
  });
  if (pending.owed.empty()) return;
  counts_.checked += pending.owed.size();
  pending_.emplace(message_key(event.msg), std::move(pending));
}

Violation QosChecker::violation(const char* invariant, const char* spec, const Event& event,
                                std::uint32_t subscriber) const {
  Violation v{invariant, spec, {}, history_->string(event.topic), {}, {}};
  if (event.msg.seq != 0) v.clients.push_back(history_->client_name(event.msg.publisher));
  v.clients.push_back(history_->client_name(subscriber));
  v.messages.push_back(describe_message(event.msg, *history_));
  return v;
}

void QosChecker::pay(const Event& event) {
  if (auto it = pending_.find(message_key(event.msg)); it != pending_.end()) {
    auto& owed = it->second.owed;
    auto match = std::find_if(owed.begin(), owed.end(),
                              [&](const Owed& o) { return o.subscriber.client == event.client; });
    if (match != owed.end()) {
      ++counts_.ok;
      owed.erase(match);
      if (owed.empty()) pending_.erase(it);
    }
  }
}

// MQTT-3.3.5-1 (MQTT 5: MQTT-3.3.4-2 and the copies it allows): a client whose subscriptions
// overlap may get one copy per matching subscription. True for a repeated copy within that
// number.
bool QosChecker::overlap_copy(const Event& event, const history::History& history) {
  const std::string& topic = history.string(event.topic);
  std::uint32_t matching = 0;
  for (std::uint32_t filter : sessions_->state(event.client).filters) {
    if (mqtt::topic_matches(history.string(filter), topic)) ++matching;
  }
  if (matching <= 1) return false;
  std::uint32_t& copies =
      overlap_copies_[{pair_key(event.client, event.msg.publisher), event.msg.seq}];
  copies = std::max<std::uint32_t>(copies, 1);  // the first copy went by unnoticed
  return ++copies <= matching;
}

void QosChecker::on_delivered(const Event& event, const history::History& history) {
  // Wills are the will checker's; retained-store copies (retain=1, MQTT-3.3.1-9) answer a
  // new subscription and are the retained checker's, so neither counts as a duplicate.
  if (event.is_will || event.msg.seq == 0) return;
  // Above the QoS owed it still arrived, so it is not lost here; the deliveries checker
  // judges the QoS itself (MQTT-3.8.4-6).
  if (level_ > 0 && event.qos > level_) pay(event);
  if (event.qos != level_) return;
  const bool issued =
      event.msg.publisher < last_seq_.size() && event.msg.seq <= last_seq_[event.msg.publisher];
  if (!issued) {
    ++counts_.unexpected;
    Violation v = violation("a delivered message was published by its publisher", "MQTT-4.3.1-1",
                            event, event.client);
    v.excerpt.push_back(describe_event(event, history));
    log_.add(std::move(v));
    return;
  }
  if (level_ == 0) ++counts_.checked;
  pay(event);
  if (event.retain) return;
  if (delivered_[pair_key(event.client, event.msg.publisher)].insert(event.msg.seq) ||
      overlap_copy(event, history)) {
    if (level_ == 0) ++counts_.ok;
    return;
  }
  ++counts_.duplicated;
  if (level_ == 1) return;  // at least once: duplicates are allowed, only counted
  Violation v = level_ == 0 ? violation("a QoS 0 message is delivered at most once", "MQTT-4.3.1-1",
                                        event, event.client)
                            : violation("a QoS 2 message is delivered exactly once", "MQTT-4.3.3-2",
                                        event, event.client);
  if (log_.wants_detail()) {
    v.excerpt.push_back(describe_event(event, history));
    v.excerpt.push_back("(an earlier delivery of the same message to the same client)");
  }
  log_.add(std::move(v));
}

void QosChecker::settle(const Owed& owed, const Pending& pending, const CheckContext& context) {
  // MQTT-3.3.2-5: a message that may have expired first is not owed (message_expiry judges
  // whether one was delivered after it expired).
  const bool judged = pending.acked && pending.publish.time_ns < context.deadline_ns() &&
                      sessions_->alive_since(owed.subscriber, /*same_connection=*/false) &&
                      !may_have_expired(pending.publish, context.end_ns);
  if (!judged) {
    // The ack never came (the publisher may not have handed it over), or the subscriber's
    // session/subscription did not survive, or there was no settle time left.
    ++counts_.indeterminate;
    return;
  }
  ++counts_.lost;
  Violation v = violation(level_ == 1 ? "an acknowledged QoS 1 publish reaches every "
                                        "subscriber whose session was alive throughout"
                                      : "an acknowledged QoS 2 publish reaches every "
                                        "subscriber whose session was alive throughout",
                          level_ == 1 ? "MQTT-4.3.2-1" : "MQTT-4.3.3-1", pending.publish,
                          owed.subscriber.client);
  if (log_.wants_detail()) {
    v.excerpt.push_back(describe_event(pending.publish, *history_));
    v.excerpt.push_back("(publish acknowledged; never delivered to " +
                        history_->client_name(owed.subscriber.client) + ")");
    sessions_->append_recent(owed.subscriber.client, *history_, v.excerpt);
  }
  log_.add(std::move(v));
}

Verdict QosChecker::finish(const CheckContext& context) {
  std::vector<const Pending*> ordered;
  ordered.reserve(pending_.size());
  for (const auto& [key, pending] : pending_) ordered.push_back(&pending);
  // Deterministic verdicts: judge in publish order, not hash order.
  std::sort(ordered.begin(), ordered.end(), [](const Pending* a, const Pending* b) {
    return std::tie(a->publish.time_ns, a->publish.msg.publisher, a->publish.msg.seq) <
           std::tie(b->publish.time_ns, b->publish.msg.publisher, b->publish.msg.seq);
  });
  for (const Pending* pending : ordered) {
    for (const Owed& owed : pending->owed) settle(owed, *pending, context);
  }
  return log_.verdict(name(), counts_);
}

}  // namespace mqttbed::check
