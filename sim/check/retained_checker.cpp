#include "sim/check/retained_checker.h"

#include <algorithm>

#include "sim/mqtt/topic.h"

namespace mqttbed::check {

using history::Event;
using history::EventType;

void RetainedChecker::observe(const Event& event, const history::History& history) {
  switch (event.type) {
    case EventType::publish_sent:
      if (event.retain) add_candidate(event);
      break;
    case EventType::connect_sent:
      if (event.is_will && event.retain) add_candidate(event);
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
      }
      break;
    }
    case EventType::delivered:
      if (event.msg.seq == 0) break;
      mark_stored(event);  // a delivered message was surely in the broker by now
      if (event.retain) on_retained_delivery(event, history);
      break;
    default:
      break;
  }
}

void RetainedChecker::add_candidate(const Event& event) {
  retained_seqs_[event.msg.publisher].insert(event.msg.seq);
  auto& candidates = topics_[event.topic];
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
  for (const Candidate& q : candidates) {
    if (q.publish.msg == p.publish.msg || q.stored_ns >= subscribe_ns) continue;
    const bool after_p =
        p.stored_ns < q.publish.time_ns || (q.publish.msg.publisher == p.publish.msg.publisher &&
                                            q.publish.msg.seq > p.publish.msg.seq);
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

Verdict RetainedChecker::finish(const CheckContext&) {
  Verdict verdict;
  verdict.guarantee = name();
  verdict.counts = counts_;
  log_.fill(verdict);
  return verdict;
}

}  // namespace mqttbed::check
