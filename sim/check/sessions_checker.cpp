#include "sim/check/sessions_checker.h"

#include <algorithm>

#include "sim/check/message_expiry_checker.h"
#include "sim/check/seq_set.h"

namespace mqttbed::check {

using history::Event;
using history::EventType;

void SessionsChecker::observe(const Event& event, const history::History& history) {
  history_ = &history;
  faults_.observe(event, history);
  if (event.type == EventType::fault && history.string(event.detail).rfind("begin", 0) == 0 &&
      history.string(event.detail).find("broker_crash") != std::string::npos) {
    // Whether sessions survive a crash is the broker's configuration, which the scenario
    // declares (CheckContext::broker_persistence, known at finish): remember the crash.
    for (Client& client : clients_) {
      if (client.held == Held::held) client.crash_since_held = true;
    }
  }
  if (event.type == EventType::publish_sent) on_publish(event, history);  // before the update
  sessions_->observe(event, history);
  if (event.client >= clients_.size() && event.type != EventType::fault) {
    clients_.resize(event.client + 1);
  }
  switch (event.type) {
    case EventType::connect_sent:
      if (clients_[event.client].connected) {  // its last connection ended unrecorded
        clients_[event.client].connected = false;
        clients_[event.client].ended_ns = event.time_ns;
      }
      clients_[event.client].pending = history::connect_mode(history.string(event.detail));
      clients_[event.client].connect = event;
      break;
    case EventType::connack:
      on_connack(event, history);
      break;
    case EventType::connect_failed:
      clients_[event.client].held = Held::unknown;  // the broker may have seen the CONNECT
      break;
    case EventType::disconnect_sent:
    case EventType::connection_lost:
      if (clients_[event.client].connected) {
        clients_[event.client].connected = false;
        clients_[event.client].ended_ns = event.time_ns;
      }
      break;
    case EventType::publish_acked:
      if (auto it = queued_.find(message_key(event.msg)); it != queued_.end()) {
        it->second.acked = true;
      }
      break;
    case EventType::delivered:
      on_delivered(event);
      break;
    default:
      break;
  }
}

void SessionsChecker::on_connack(const Event& event, const history::History& history) {
  Client& client = clients_[event.client];
  ++counts_.checked;
  if (event.code != 0) {
    if (event.session_present) {
      report_flag("a refused CONNECT has session present 0", "MQTT-3.2.2-4", client, event,
                  history);
    } else {
      ++counts_.ok;
    }
    return;
  }
  const Held held = expected_at_connect(client);
  const bool across_crash = client.crash_since_held;
  const bool clean = client.pending.clean;
  client.crash_since_held = false;
  client.connected = true;
  client.held = client.pending.ends_with_connection() ? Held::none : Held::held;
  client.held_expiry_s = client.pending.session_expiry_s;
  client.held_keepalive_s = client.connect.keepalive_s;
  if (clean) {
    if (event.session_present) {
      report_flag("a clean CONNECT has session present 0", "MQTT-3.2.2-1", client, event, history);
    } else {
      ++counts_.ok;
    }
  } else if (held == Held::unknown) {
    ++counts_.indeterminate;
  } else if (across_crash && held == Held::held && !event.session_present) {
    after_crash_.push_back({client.connect, event});  // judged at finish: was it promised?
  } else if (event.session_present != (held == Held::held)) {
    report_flag(held == Held::held
                    ? "a persistent CONNECT finds the session the broker holds (present 1)"
                    : "a persistent CONNECT with no stored session has session present 0",
                held == Held::held ? "MQTT-3.2.2-2" : "MQTT-3.2.2-3", client, event, history);
  } else {
    ++counts_.ok;
  }
}

SessionsChecker::Held SessionsChecker::expected_at_connect(const Client& client) const {
  if (client.held != Held::held || !client.held_expiry_s || client.connected ||
      *client.held_expiry_s == UINT32_MAX) {
    return client.held;
  }
  const std::int64_t away_ns = client.connect.time_ns - client.ended_ns;
  const std::int64_t expiry_ns = std::int64_t{*client.held_expiry_s} * 1'000'000'000;
  if (away_ns < expiry_ns) return Held::held;
  const auto slack_ns = broker_notice_bound_ns(client.held_keepalive_s);
  return slack_ns && away_ns > expiry_ns + *slack_ns ? Held::none : Held::unknown;
}

void SessionsChecker::report_flag(const char* invariant, const char* spec, const Client& client,
                                  const Event& connack, const history::History& history) {
  ++counts_.unexpected;
  Violation v{invariant, spec, {history.client_name(connack.client)}, "", {}, {}};
  if (log_.wants_detail()) {
    sessions_->append_recent(connack.client, history, v.excerpt);
    if (v.excerpt.empty()) {
      v.excerpt.push_back(describe_event(client.connect, history));
      v.excerpt.push_back(describe_event(connack, history));
    }
  }
  log_.add(std::move(v));
}

void SessionsChecker::on_publish(const Event& event, const history::History& history) {
  // An empty retained PUBLISH travels without its identity (client_recorder.h).
  if (event.qos == 0 || (event.retain && event.bytes == 0)) return;
  Queued queued{event, false, {}};
  sessions_->all_subscribers(history.string(event.topic), [&](const SubscriberMark& mark) {
    const ClientState& state = sessions_->state(mark.client);
    // Offline with a persistent session: the broker must queue QoS >= 1 (MQTT-3.1.2-5).
    if (!state.connected && !state.clean && mark.granted_qos > 0 && mark.owed_from(event.client))
      queued.owed.push_back(mark);
  });
  if (queued.owed.empty()) return;
  counts_.checked += queued.owed.size();
  queued_.emplace(message_key(event.msg), std::move(queued));
}

void SessionsChecker::on_delivered(const Event& event) {
  if (event.msg.seq == 0) return;
  auto it = queued_.find(message_key(event.msg));
  if (it == queued_.end()) return;
  auto& owed = it->second.owed;
  const auto before = owed.size();
  std::erase_if(owed, [&](const SubscriberMark& m) { return m.client == event.client; });
  counts_.ok += before - owed.size();
  if (owed.empty()) queued_.erase(it);
}

Verdict SessionsChecker::finish(const CheckContext& context) {
  for (const AfterCrash& lost : after_crash_) {
    if (!context.broker_persistence) {
      ++counts_.indeterminate;  // sessions may die with an unpersisted broker
      continue;
    }
    Client client;
    client.connect = lost.connect;
    report_flag(
        "a persistent session survives a crash of a broker that promised persistence "
        "(present 1)",
        "MQTT-3.2.2-2", client, lost.connack, *history_);
  }
  std::vector<const Queued*> ordered;
  for (const auto& [key, queued] : queued_) ordered.push_back(&queued);
  std::sort(ordered.begin(), ordered.end(), [](const Queued* a, const Queued* b) {
    return std::tie(a->publish.time_ns, a->publish.msg.publisher, a->publish.msg.seq) <
           std::tie(b->publish.time_ns, b->publish.msg.publisher, b->publish.msg.seq);
  });
  const history::History* h = history_;
  for (const Queued* queued : ordered) {
    for (const SubscriberMark& owed : queued->owed) {
      if (!queued->acked || queued->publish.time_ns >= context.deadline_ns() ||
          !sessions_->alive_since(owed, /*same_connection=*/false) ||
          // MQTT-3.3.2-5: an expired message is not owed (message_expiry judges it).
          may_have_expired(queued->publish, context.end_ns) ||
          (faults_.crashed_since(queued->publish.time_ns) && !context.broker_persistence)) {
        ++counts_.indeterminate;
        continue;
      }
      ++counts_.lost;
      Violation v{"a persistent session's queued QoS>=1 message arrives after reconnect",
                  "MQTT-3.1.2-5",
                  {h->client_name(queued->publish.client), h->client_name(owed.client)},
                  h->string(queued->publish.topic),
                  {describe_message(queued->publish.msg, *h)},
                  {}};
      if (log_.wants_detail()) {
        v.excerpt.push_back(describe_event(queued->publish, *h));
        v.excerpt.push_back("(subscriber offline with a persistent session; never delivered)");
        sessions_->append_recent(owed.client, *h, v.excerpt);
      }
      log_.add(std::move(v));
    }
  }
  return log_.verdict(name(), counts_);
}

}  // namespace mqttbed::check
