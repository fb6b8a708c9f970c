#include "sim/check/will_checker.h"

#include <algorithm>

#include "sim/check/broker_notice.h"
#include "sim/check/seq_set.h"
#include "sim/history/client_recorder.h"

namespace mqttbed::check {

using history::Event;
using history::EventType;

namespace {
constexpr const char* kEarly =
    "a will waits its Will Delay Interval (or the session's end) after the connection ends";
constexpr const char* kCancelled =
    "a reconnection to the session within the Will Delay Interval cancels the will";
}  // namespace

const char* WillChecker::broken_delay(const Record& record, std::int64_t time_ns) const {
  if (record.wait_ns == 0) return nullptr;
  // The broker ended the connection after it sent the client's last packet on it, so the
  // will is due no earlier than that packet + the wait (less the way there).
  const std::int64_t earliest_ns = record.last_heard_ns + record.wait_ns - kNoticeToleranceNs;
  if (record.resumed_session && record.resumed_ns >= 0 && record.resumed_ns < earliest_ns) {
    return kCancelled;
  }
  return time_ns < earliest_ns ? kEarly : nullptr;
}

void WillChecker::observe(const Event& event, const history::History& history) {
  history_ = &history;
  faults_.observe(event, history);
  sessions_->observe(event, history);
  switch (event.type) {
    case EventType::connack:
    case EventType::delivered:
    case EventType::publish_acked:
    case EventType::pubrec:
    case EventType::suback:
    case EventType::unsuback:
      // The broker still had this connection when it sent this (Will Delay rule).
      if (auto current = current_.find(event.client); current != current_.end()) {
        wills_[current->second].last_heard_ns = event.time_ns;
      }
      break;
    default:
      break;
  }
  if (event.type == EventType::delivered) {
    // RETAIN=1 marks a replay from the retained store to a new subscription (MQTT-3.3.1-8),
    // not a publication of the will: the retained checker judges those. Unless the client
    // asked for MQTT 5 Retain As Published: then it may be the forward (MQTT-3.3.1-13).
    if (event.is_will && event.msg.seq != 0 &&
        (!event.retain || sessions_->keeps_retain(event.client, history.string(event.topic)))) {
      on_delivered(event, history);
    }
  } else {
    on_connection_event(event, history);
  }
}

void WillChecker::on_connection_event(const Event& event, const history::History& history) {
  auto current = current_.find(event.client);
  Record* record = current == current_.end() ? nullptr : &wills_[current->second];
  switch (event.type) {
    case EventType::connect_sent:
      // A new CONNECT while the last one looked open: that connection was lost unseen.
      if (record != nullptr) close(*record, event, Outcome::lost, history);
      if (!event.is_will) {
        if (current != current_.end()) current_.erase(current);
        return;
      }
      current_[event.client] = message_key(event.msg);
      wills_[message_key(event.msg)] =
          Record{event, {}, Outcome::connecting, faults_.active(event.client), {}, {}, {}, -1};
      // The broker cannot end a connection before its CONNECT was written.
      wills_[message_key(event.msg)].last_heard_ns = event.time_ns;
      if (const auto mode = history::connect_mode(history.string(event.detail));
          event.code == 5 && mode.will_delay_s > 0 && mode.session_expiry_s.value_or(0) > 0) {
        // v5: the session outlives the connection, so the will waits the delay, or until
        // the session ends if that is sooner.
        const std::uint32_t wait_s = std::min(mode.will_delay_s, *mode.session_expiry_s);
        wills_[message_key(event.msg)].wait_ns = std::int64_t{wait_s} * 1'000'000'000;
      }
      return;
    case EventType::connack:
      if (auto lost = lost_.find(event.client); lost != lost_.end() && event.code == 0) {
        if (auto taken = wills_.find(lost->second); taken != wills_.end()) {
          taken->second.taken_over_ns = event.time_ns;
          taken->second.resumed_ns = event.time_ns;
          taken->second.resumed_session = !sessions_->state(event.client).clean;
        }
        lost_.erase(lost);
      }
      if (record != nullptr && record->outcome == Outcome::connecting) {
        record->outcome = event.code == 0 ? Outcome::open : Outcome::refused;
      }
      return;
    case EventType::connect_failed:
      if (record != nullptr && record->outcome == Outcome::connecting) {
        record->outcome = Outcome::unknown;  // the broker may have stored it before failing
      }
      return;
    case EventType::disconnect_sent:
      if (record != nullptr) close(*record, event, Outcome::disconnected, history);
      return;
    case EventType::connection_lost:
      if (record != nullptr) close(*record, event, Outcome::lost, history);
      return;
    default:
      return;
  }
}

void WillChecker::close(Record& record, const Event& event, Outcome outcome,
                        const history::History& history) {
  if (record.outcome != Outcome::open) return;
  record.outcome = outcome;
  record.end = event;
  record.disturbed =
      record.disturbed || faults_.disturbed_since(record.connect.time_ns, record.connect.client);
  if (outcome != Outcome::lost) return;
  lost_[record.connect.client] = message_key(record.connect.msg);
  const std::uint8_t will_qos = record.connect.qos;
  sessions_->connected_subscribers(
      history.string(record.connect.topic), [&](const SubscriberMark& mark) {
        SubscriberMark owed = mark;
        owed.granted_qos = std::min(will_qos, mark.granted_qos);  // MQTT-3.8.4-6
        // No Local covers wills too: the will's client id is the subscriber's (MQTT-3.8.3-3).
        if (mark.owed_from(record.connect.client) &&
            std::find(record.early.begin(), record.early.end(), mark.client) ==
                record.early.end()) {
          record.owed.push_back(owed);
        }
      });
  counts_.checked += record.owed.size();
}

void WillChecker::on_delivered(const Event& event, const history::History& history) {
  auto it = wills_.find(message_key(event.msg));
  if (it == wills_.end()) {
    ++counts_.checked;
    ++counts_.unexpected;
    Violation v{"a delivered will was set by a CONNECT",
                "MQTT-3.1.2-9",
                {history.client_name(event.msg.publisher), history.client_name(event.client)},
                history.string(event.topic),
                {describe_message(event.msg, history)},
                {describe_event(event, history)}};
    log_.add(std::move(v));
    return;
  }
  Record& record = it->second;
  auto& deliveries = record.deliveries;
  auto counted = std::find_if(deliveries.begin(), deliveries.end(),
                              [&](const auto& d) { return d.first == event.client; });
  const Due* late = nullptr;
  if (counted == deliveries.end()) {
    deliveries.push_back({event.client, 1});
    auto owed = std::find_if(record.owed.begin(), record.owed.end(),
                             [&](const SubscriberMark& m) { return m.client == event.client; });
    const bool was_owed = owed != record.owed.end();
    if (was_owed) late = noticed_late(record, *owed, event);
    if (was_owed) record.owed.erase(owed);
    if (record.outcome == Outcome::connecting || record.outcome == Outcome::open) {
      if (const char* rule = broken_delay(record, event.time_ns)) {
        counts_.checked += was_owed ? 0 : 1;
        ++counts_.unexpected;
        report(rule, rule == kCancelled ? "MQTT-3.1.3-9" : "MQTT-3.1.2-8", record, event.client,
               &event);
        return;
      }
      record.early.push_back(event.client);  // counted and judged at settle
      return;
    }
    // An owed delivery was counted when the loss made it owed; any other first delivery
    // (e.g. to a persistent session that was offline then, through its queue) is one more
    // item judged here, so `ok` never exceeds `checked`.
    if (!was_owed) ++counts_.checked;
  } else {
    if (event.retain) return;  // a later retained replay (Retain As Published): not a publication
    ++counted->second;
    ++counts_.duplicated;
    // DUP=1 is a QoS 1 redelivery of the one publication; DUP=0 is a second publication.
    if (!event.dup) {
      report("a will is published at most once", "MQTT-3.1.2-10", record, event.client, &event);
    }
    return;
  }
  const char* delay_rule = broken_delay(record, event.time_ns);
  if (record.outcome == Outcome::disconnected && !record.disturbed) {
    ++counts_.unexpected;
    report("no will after a DISCONNECT", "MQTT-3.14.4-3", record, event.client, &event);
  } else if (delay_rule != nullptr) {
    ++counts_.unexpected;
    report(delay_rule, delay_rule == kCancelled ? "MQTT-3.1.3-9" : "MQTT-3.1.2-8", record,
           event.client, &event);
  } else if (record.outcome == Outcome::refused) {
    ++counts_.unexpected;
    report("a refused CONNECT's will is never published", "MQTT-3.2.2-5", record, event.client,
           &event);
  } else if (late != nullptr) {
    ++counts_.unexpected;
    report(late->invariant, late->spec, record, event.client, &event);
  } else if (record.outcome == Outcome::lost) {
    ++counts_.ok;
  } else {
    ++counts_.indeterminate;  // after a disturbed DISCONNECT or an unanswered CONNECT
  }
}

std::optional<WillChecker::Due> WillChecker::due(const Record& record) const {
  std::optional<Due> due;
  if (const auto notice_ns = broker_notice_bound_ns(record.connect.keepalive_s)) {
    const std::int64_t slack_ns = std::max(kNoticeToleranceNs, *notice_ns / 3);  // 0.5 x ka
    const std::int64_t by_ns = record.end.time_ns + *notice_ns + record.wait_ns;
    due = Due{by_ns, by_ns + slack_ns, "MQTT-3.1.2-24",
              record.wait_ns > 0
                  ? "a delayed will is published within 1.5 x keepalive + its Will Delay "
                    "Interval (+ max(2 s, 0.5 x keepalive)) of its connection's loss"
                  : "a will is published within 1.5 x keepalive (+ max(2 s, 0.5 x keepalive)) "
                    "of its connection's loss"};
  }
  // A delayed will is cancelled by the very connection that takes the client id over.
  if (record.wait_ns > 0) return due;
  const std::int64_t taken_late_ns = record.taken_over_ns + kNoticeToleranceNs;
  if (record.taken_over_ns >= 0 && (!due || taken_late_ns < due->late_ns)) {
    due = Due{record.taken_over_ns, taken_late_ns, "MQTT-3.1.4-2",
              "a CONNECT taking the client id over ends the old connection: its will is "
              "published by that CONNACK (+ 2 s)"};
  }
  return due;
}

const WillChecker::Due* WillChecker::noticed_late(const Record& record, const SubscriberMark& owed,
                                                  const Event& delivery) {
  late_ = due(record);
  if (!late_ || record.outcome != Outcome::lost) return nullptr;
  // Judged only where nothing but the broker can explain the delay: the subscriber kept the
  // connection it had when the loss was seen, and no fault touched it or the broker since.
  const ClientState& subscriber = sessions_->state(owed.client);
  if (!subscriber.connected || subscriber.connection != owed.connection ||
      faults_.disturbed_since(record.end.time_ns, owed.client) ||
      faults_.crashed_since(record.connect.time_ns)) {
    return nullptr;
  }
  return delivery.time_ns > late_->late_ns ? &*late_ : nullptr;
}

void WillChecker::report(const char* invariant, const char* spec, const Record& record,
                         std::uint32_t subscriber, const Event* delivery) {
  const history::History& h = *history_;
  Violation v{invariant,
              spec,
              {h.client_name(record.connect.client), h.client_name(subscriber)},
              h.string(record.connect.topic),
              {describe_message(record.connect.msg, h)},
              {}};
  if (log_.wants_detail()) {
    v.excerpt.push_back(describe_event(record.connect, h));
    if (record.outcome == Outcome::disconnected || record.outcome == Outcome::lost) {
      v.excerpt.push_back(describe_event(record.end, h));
    }
    if (delivery != nullptr) {
      v.excerpt.push_back(describe_event(*delivery, h));
    } else {
      v.excerpt.push_back("(never delivered to " + h.client_name(subscriber) + ")");
      sessions_->append_recent(subscriber, h, v.excerpt);
    }
  }
  log_.add(std::move(v));
}

void WillChecker::settle(const Record& record, const CheckContext& context) {
  for (const std::uint32_t subscriber : record.early) {
    ++counts_.checked;
    // Published while the client still saw its connection open, and it never ended: the
    // broker gave up on a healthy connection.
    if (record.outcome == Outcome::open && !record.disturbed &&
        !faults_.disturbed_since(record.connect.time_ns, record.connect.client)) {
      ++counts_.unexpected;
      report("a will is published only when the connection ends", "MQTT-3.1.2-8", record,
             subscriber, nullptr);
    } else if (record.outcome == Outcome::lost) {
      ++counts_.ok;  // the broker saw the loss before its client did
    } else {
      ++counts_.indeterminate;
    }
  }
  // The latest moment the broker must have published the will; none with keepalive off and
  // no takeover.
  const auto due_by = due(record);
  for (const SubscriberMark& owed : record.owed) {
    // A reconnection before a delayed will was due may have cancelled it (MQTT-3.1.3-9).
    const bool maybe_cancelled = record.wait_ns > 0 && record.resumed_ns >= 0 && due_by &&
                                 record.resumed_ns <= due_by->late_ns;
    const bool judged = !maybe_cancelled && due_by && due_by->ns < context.deadline_ns() &&
                        !faults_.crashed_since(record.connect.time_ns) &&
                        sessions_->alive_since(owed, /*same_connection=*/owed.granted_qos == 0);
    if (!judged) {
      ++counts_.indeterminate;
      continue;
    }
    ++counts_.lost;
    report("a will is published when the connection ends without DISCONNECT", "MQTT-3.1.2-8",
           record, owed.client, nullptr);
  }
}

Verdict WillChecker::finish(const CheckContext& context) {
  std::vector<const Record*> ordered;
  for (const auto& [key, record] : wills_) ordered.push_back(&record);
  std::sort(ordered.begin(), ordered.end(), [](const Record* a, const Record* b) {
    return std::tie(a->connect.time_ns, a->connect.client) <
           std::tie(b->connect.time_ns, b->connect.client);
  });
  for (const Record* record : ordered) settle(*record, context);
  return log_.verdict(name(), counts_);
}

}  // namespace mqttbed::check
