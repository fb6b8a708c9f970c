#include "sim/check/retained_checker.h"

#include <algorithm>

#include "sim/mqtt/topic.h"

namespace mqttbed::check {

using history::Event;
using history::EventType;

void RetainedChecker::observe(const Event& event, const history::History& history) {
  history_ = &history;
  faults_.observe(event, history);
  switch (event.type) {
    case EventType::publish_sent:
      if (event.retain) add_candidate(event);
      break;
    case EventType::publish_acked:
      mark_stored(event);
      break;
    case EventType::subscribe_sent: {
      auto& subs = subscribes_[event.client];
      auto it = std::find_if(subs.begin(), subs.end(),
                             [&](const Subscribe& s) { return s.filter == event.topic; });
      if (it == subs.end()) {
        subs.push_back({event.topic, event.time_ns});
      } else {
        it->sent_ns = event.time_ns;  // MQTT-3.8.4-3: a repeated SUBSCRIBE re-sends retained
        it->existed = it->held;
      }
      ++awaiting_[event.client].pending;
      break;
    }
    case EventType::suback:
      on_suback(event, history);
      break;
    case EventType::connack:
    case EventType::unsubscribe_sent:
      // The subscription is gone (no session kept, MQTT-3.2.2-1; or unsubscribed).
      if (auto subs = subscribes_.find(event.client); subs != subscribes_.end()) {
        const bool all = event.type == EventType::connack;
        if (all && (event.code != 0 || event.session_present)) break;
        for (Subscribe& s : subs->second)
          if (all || s.filter == event.topic) s.held = false;
      }
      break;
    case EventType::connect_sent:
    case EventType::disconnect_sent:
    case EventType::connection_lost:
      // Retained replays come on the subscribing connection; once it ended they cannot.
      settle_owed(event.client, /*judged_lost=*/false, history);
      awaiting_.erase(event.client);
      if (event.type == EventType::connect_sent && event.is_will && event.retain)
        add_candidate(event);
      break;
    case EventType::delivered:
      if (event.msg.seq == 0) {
        // An empty retained message travels without identity (client_recorder.h); a
        // zero-length retained replay is wrong whoever published it.
        if (event.retain && event.bytes == 0) {
          ++counts_.checked;
          ++counts_.unexpected;
          report("an empty retained message is never stored nor delivered", "MQTT-3.3.1-11", event,
                 nullptr, nullptr, history);
        }
        break;
      }
      mark_stored(event);  // a delivered message was surely in the broker by now
      if (event.retain) {
        auto& owed = owed_[event.client];
        std::erase_if(owed, [&](const Owed& o) { return o.topic == event.topic; });
        if (auto waiting = awaiting_.find(event.client); waiting != awaiting_.end())
          waiting->second.replayed_ns[event.topic] = event.time_ns;
        on_retained_delivery(event, history);
      }
      break;
    default:
      break;
  }
}

// The retained message a SUBSCRIBE at `subscribe_ns` must get, when that is certain: every
// candidate published before it was stored before it, and the latest of them is not empty.
const RetainedChecker::Candidate* RetainedChecker::latest_stored_before(
    const std::vector<Candidate>& candidates, std::int64_t subscribe_ns) const {
  const Candidate* latest = nullptr;
  for (const Candidate& c : candidates) {
    const std::int64_t published = c.publish.is_will ? c.stored_ns : c.publish.time_ns;
    if (published >= subscribe_ns) continue;
    if (c.stored_ns >= subscribe_ns) return nullptr;  // in flight at the SUBSCRIBE: unsure
    if (latest == nullptr || superseder({c}, *latest, subscribe_ns) != nullptr) latest = &c;
  }
  if (latest == nullptr || latest->publish.bytes == 0) return nullptr;
  for (const Candidate& c : candidates) {  // two unordered candidates: unsure which won
    if (&c != latest && c.stored_ns < subscribe_ns &&
        superseder({*latest}, c, subscribe_ns) == nullptr)
      return nullptr;
  }
  return latest;
}

void RetainedChecker::on_suback(const Event& event, const history::History& history) {
  // Retained deliveries since this SUBSCRIBE was sent (before its SUBACK) are kept only while
  // a SUBSCRIBE awaits its answer.
  std::unordered_map<std::uint32_t, std::int64_t> replayed_ns;
  if (auto waiting = awaiting_.find(event.client); waiting != awaiting_.end()) {
    replayed_ns = waiting->second.replayed_ns;
    if (--waiting->second.pending <= 0) awaiting_.erase(waiting);
  }
  const std::string& filter = history.string(event.topic);
  std::int64_t subscribe_ns = -1;
  bool existed = false;
  for (Subscribe& s : subscribes_[event.client]) {
    if (s.filter != event.topic) continue;
    subscribe_ns = s.sent_ns;
    existed = s.existed;
    s.held = event.qos < 0x80;
  }
  if (event.qos >= 0x80) return;  // refused: nothing owed
  if (subscribe_ns < 0) return;
  // MQTT 5 Retain Handling (§3.8.3.1): 2 never replays, 1 only for a new subscription.
  const int handling = history::retain_handling(event.sub_options);
  if (handling == 2 || (handling == 1 && existed)) return;
  const std::string literal = filter.substr(0, filter.find_first_of("+#"));
  // Only the topics under the filter's literal prefix can match: a range of the sorted names
  // (scanning every retained topic per SUBACK was quadratic in a 100k-device fleet's start).
  for (auto named = names_.lower_bound(literal);
       named != names_.end() && named->first.compare(0, literal.size(), literal) == 0; ++named) {
    if (!mqtt::topic_matches(filter, named->first)) continue;
    const std::uint32_t topic = named->second;
    const Candidate* latest = latest_stored_before(topics_.at(topic), subscribe_ns);
    if (latest == nullptr) continue;
    // Paid already: a retained copy of the topic came after the SUBSCRIBE, before this SUBACK
    // (MQTT 3.1.1 §3.8.4). That delivery was judged (stale or not) when it arrived.
    if (auto paid = replayed_ns.find(topic);
        paid != replayed_ns.end() && paid->second >= subscribe_ns)
      continue;
    owed_[event.client].push_back(Owed{
        topic, subscribe_ns, faults_.crashed_since(latest->stored_ns), event, latest->publish});
  }
}

void RetainedChecker::settle_owed(std::uint32_t client, bool judged_lost,
                                  const history::History& history) {
  auto it = owed_.find(client);
  if (it == owed_.end()) return;
  for (const Owed& owed : it->second) {
    ++counts_.checked;  // a debt that no delivery paid: judged here (paid ones when delivered)
    if (!judged_lost) {
      ++counts_.indeterminate;
      continue;
    }
    ++counts_.lost;
    Violation v{"a new subscription gets the retained message of every matching topic",
                "MQTT-3.3.1-6",
                {history.client_name(owed.retained.client), history.client_name(client)},
                history.string(owed.topic),
                {describe_message(owed.retained.msg, history)},
                {}};
    if (log_.wants_detail()) {
      v.excerpt.push_back(describe_event(owed.retained, history));
      v.excerpt.push_back(describe_event(owed.suback, history));
      v.excerpt.push_back("(no retained delivery on this topic followed, connection still open)");
    }
    log_.add(std::move(v));
  }
  owed_.erase(it);
}

void RetainedChecker::add_candidate(const Event& event) {
  retained_seqs_[event.msg.publisher].insert(event.msg.seq);
  auto [entry, added] = topics_.try_emplace(event.topic);
  if (added) names_.emplace(history_->string(event.topic), event.topic);
  auto& candidates = entry->second;
  if (candidates.size() >= kCandidatesPerTopic) {
    // Forget the oldest candidate that a newer stored one surely replaced; else the oldest.
    auto victim = std::find_if(candidates.begin(), candidates.end(), [&](const Candidate& c) {
      return superseder(candidates, c, event.time_ns) != nullptr;
    });
    candidates.erase(victim == candidates.end() ? candidates.begin() : victim);
  }
  candidates.push_back({event, kNever});
}

void RetainedChecker::mark_stored(const Event& event) {
  auto it = topics_.find(event.topic);
  if (it == topics_.end()) return;
  for (Candidate& c : it->second) {
    if (c.publish.msg == event.msg) c.stored_ns = std::min(c.stored_ns, event.time_ns);
  }
}

const RetainedChecker::Candidate* RetainedChecker::superseder(
    const std::vector<Candidate>& candidates, const Candidate& p, std::int64_t subscribe_ns) const {
  // A will is published when its connection ends, not when its CONNECT was sent: its
  // publication is first seen when it is delivered (its stored_ns), and a publisher's seq
  // order says nothing about it (MQTT-3.1.2-8).
  auto published_ns = [](const Candidate& c) {
    return c.publish.is_will ? c.stored_ns : c.publish.time_ns;
  };
  for (const Candidate& q : candidates) {
    if (q.publish.msg == p.publish.msg || q.stored_ns >= subscribe_ns) continue;
    const bool in_seq_order = !p.publish.is_will && !q.publish.is_will &&
                              q.publish.msg.publisher == p.publish.msg.publisher &&
                              q.publish.msg.seq > p.publish.msg.seq;
    const bool after_p = p.stored_ns < published_ns(q) || in_seq_order;
    if (after_p) return &q;
  }
  return nullptr;
}

void RetainedChecker::on_retained_delivery(const Event& event, const history::History& history) {
  // The subscribe this retained copy answers: the latest one whose filter matches.
  std::int64_t subscribe_ns = -1;
  for (const Subscribe& s : subscribes_[event.client]) {
    if (mqtt::topic_matches(history.string(s.filter), history.string(event.topic))) {
      subscribe_ns = std::max(subscribe_ns, s.sent_ns);
    }
  }
  ++counts_.checked;
  if (subscribe_ns < 0) {
    ++counts_.indeterminate;
    return;
  }
  const auto& candidates = topics_[event.topic];
  auto delivered = std::find_if(candidates.begin(), candidates.end(),
                                [&](const Candidate& c) { return c.publish.msg == event.msg; });
  if (delivered == candidates.end()) {
    const auto seqs = retained_seqs_.find(event.msg.publisher);
    const bool was_retained = seqs != retained_seqs_.end() && seqs->second.contains(event.msg.seq);
    ++counts_.unexpected;
    if (was_retained) {
      report("a new subscription gets the latest retained message", "MQTT-3.3.1-6", event, nullptr,
             nullptr, history);
    } else {
      report("only messages published with RETAIN=1 are retained", "MQTT-3.3.1-12", event, nullptr,
             nullptr, history);
    }
    return;
  }
  if (delivered->publish.bytes == 0) {
    ++counts_.unexpected;
    report("an empty retained message is never stored nor delivered", "MQTT-3.3.1-11", event,
           &*delivered, nullptr, history);
    return;
  }
  if (const Candidate* newer = superseder(candidates, *delivered, subscribe_ns)) {
    ++counts_.unexpected;
    if (newer->publish.bytes == 0) {
      report("an empty retained message clears the topic's retained message", "MQTT-3.3.1-10",
             event, &*delivered, newer, history);
    } else {
      report("a new subscription gets the latest retained message", "MQTT-3.3.1-6", event,
             &*delivered, newer, history);
    }
    return;
  }
  ++counts_.ok;
}

void RetainedChecker::report(const char* invariant, const char* spec, const Event& delivery,
                             const Candidate* delivered, const Candidate* newer,
                             const history::History& history) {
  Violation v{invariant, spec, {}, history.string(delivery.topic), {}, {}};
  v.clients.push_back(history.client_name(delivery.msg.publisher));
  v.clients.push_back(history.client_name(delivery.client));
  v.messages.push_back(describe_message(delivery.msg, history));
  if (newer != nullptr) v.messages.push_back(describe_message(newer->publish.msg, history));
  if (log_.wants_detail()) {
    if (delivered != nullptr) v.excerpt.push_back(describe_event(delivered->publish, history));
    if (newer != nullptr) {
      v.excerpt.push_back(describe_event(newer->publish, history));
      v.excerpt.push_back("(" + describe_message(newer->publish.msg, history) + " was stored at " +
                          std::to_string(newer->stored_ns) + " ns, before the SUBSCRIBE)");
    }
    v.excerpt.push_back(describe_event(delivery, history));
  }
  log_.add(std::move(v));
}

Verdict RetainedChecker::finish(const CheckContext& context) {
  std::vector<std::uint32_t> clients;
  for (const auto& [client, owed] : owed_) clients.push_back(client);
  std::sort(clients.begin(), clients.end());  // deterministic violation order
  for (std::uint32_t client : clients) {
    // A crash since the store forgives the debt only if the broker never promised to keep it.
    auto& owed = owed_[client];
    const auto forgiven = std::erase_if(
        owed, [&](const Owed& o) { return o.crash_since_store && !context.broker_persistence; });
    counts_.checked += forgiven;
    counts_.indeterminate += forgiven;
    if (history_ != nullptr) settle_owed(client, /*judged_lost=*/true, *history_);
  }
  return log_.verdict(name(), counts_);
}

}  // namespace mqttbed::check
