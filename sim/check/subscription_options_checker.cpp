#include "sim/check/subscription_options_checker.h"

#include <algorithm>
#include <string>

#include "sim/check/seq_set.h"
#include "sim/history/client_recorder.h"
#include "sim/mqtt/topic.h"

namespace mqttbed::check {

using history::Event;
using history::EventType;

namespace {

constexpr int kFirstFailure = 0x80;

bool contains(const std::vector<std::uint32_t>& ids, std::uint32_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

std::string join(const std::vector<std::uint32_t>& ids) {
  return ids.empty() ? "none" : history::join_ids(ids);
}

}  // namespace

void SubscriptionOptionsChecker::observe(const Event& event, const history::History& history) {
  history_ = &history;
  switch (event.type) {
    case EventType::connect_sent:
      if (!event.is_will || event.msg.seq == 0) return;
      [[fallthrough]];  // a will: published no earlier than its CONNECT
    case EventType::publish_sent: {
      if (event.msg.seq == 0) return;
      auto& times = published_;
      if (event.msg.publisher >= times.size()) times.resize(event.msg.publisher + 1);
      auto& mine = times[event.msg.publisher];
      if (event.msg.seq > mine.size()) mine.resize(event.msg.seq);
      mine[event.msg.seq - 1].published_ns = event.time_ns;
      return;
    }
    case EventType::publish_acked:
      if (event.code < kFirstFailure && event.msg.publisher < published_.size() &&
          event.msg.seq != 0 && event.msg.seq <= published_[event.msg.publisher].size()) {
        published_[event.msg.publisher][event.msg.seq - 1].acked_ns = event.time_ns;
      }
      return;
    case EventType::connack:
      // MQTT-3.2.2-1/-2: without a session present the server kept no subscription.
      if (event.code == 0 && !event.session_present) clients_.erase(event.client);
      return;
    case EventType::subscribe_sent:
      on_subscribe(event);
      return;
    case EventType::suback:
      if (Subscription* s = find(event.client, event.topic)) {
        if (event.qos > 2) {
          s->ended_ns = event.time_ns;  // refused: nothing is held
        } else {
          s->acked_ns = event.time_ns;
        }
      }
      return;
    case EventType::unsubscribe_sent:
    case EventType::unsuback:
      // Ended for the identifiers owed from the UNSUBSCRIBE on; for the rest only from the
      // UNSUBACK (until then the server may still be matching it).
      if (Subscription* s = find(event.client, event.topic)) {
        if (event.type == EventType::unsubscribe_sent) {
          s->id = 0;
        } else if (s->ended_ns == kNever) {
          s->ended_ns = event.time_ns;
        }
      }
      return;
    case EventType::delivered:
      on_delivered(event, history);
      return;
    default:
      return;
  }
}

SubscriptionOptionsChecker::Subscription* SubscriptionOptionsChecker::find(std::uint32_t client,
                                                                           std::uint32_t filter) {
  auto held = clients_.find(client);
  if (held == clients_.end()) return nullptr;
  auto it = std::find_if(held->second.begin(), held->second.end(),
                         [filter](const Subscription& s) { return s.filter == filter; });
  return it == held->second.end() ? nullptr : &*it;
}

void SubscriptionOptionsChecker::on_subscribe(const Event& event) {
  Subscription* s = find(event.client, event.topic);
  const bool fresh = s == nullptr;
  if (fresh) {
    clients_[event.client].push_back(Subscription{event.topic});
    s = &clients_[event.client].back();
  }
  if (fresh || s->ended_ns != kNever) {
    // A new holding: nothing from before it counts (MQTT-3.8.4-3 replaces a held one).
    *s = Subscription{event.topic};
    s->held_since_ns = s->options_since_ns = event.time_ns;
  } else {
    if (history::retain_handling(event.sub_options) == 0) s->replay_again = true;
    if (event.sub_options != s->options || event.sub_ids != s->id)
      s->options_since_ns = event.time_ns;
  }
  s->options = event.sub_options;
  s->id = event.sub_ids;
  if (s->id != 0 && !contains(s->ids, s->id)) s->ids.push_back(s->id);
  s->acked_ns = kNever;
  s->ended_ns = kNever;
}

SubscriptionOptionsChecker::Times SubscriptionOptionsChecker::times(history::MessageId id) const {
  if (id.seq == 0 || id.publisher >= published_.size()) return {};
  const auto& mine = published_[id.publisher];
  return id.seq <= mine.size() ? mine[id.seq - 1] : Times{};
}

void SubscriptionOptionsChecker::on_delivered(const Event& event, const history::History& history) {
  if (event.msg.seq == 0) return;
  auto client = clients_.find(event.client);
  if (client == clients_.end()) return;
  const Times t = times(event.msg);
  if (t.published_ns < 0) return;
  const std::int64_t publish_ns = t.published_ns;
  const std::string& topic = history.string(event.topic);
  const bool own = event.msg.publisher == event.client;

  std::vector<const Subscription*> matching;
  bool uses_options = event.sub_ids != 0;
  for (const Subscription& s : client->second) {
    if (s.ended_ns <= publish_ns || !mqtt::topic_matches(history.string(s.filter), topic)) continue;
    matching.push_back(&s);
    uses_options = uses_options || s.options != 0 || !s.ids.empty();
  }
  if (matching.empty() || !uses_options) return;
  ++counts_.checked;
  // Options in force for this message: asked for, and answered, before it was published.
  auto settled = [publish_ns](const Subscription* s) {
    return s->options_since_ns < publish_ns && s->acked_ns < publish_ns;
  };

  if (own && std::all_of(matching.begin(), matching.end(), [&](const Subscription* s) {
        return history::no_local(s->options) && settled(s);
      })) {
    ++counts_.unexpected;
    report("a No Local subscription is not sent what its own client id published", "MQTT-3.8.3-3",
           event, history);
    return;
  }

  const std::vector<std::uint32_t> carried =
      event.sub_ids == 0 ? std::vector<std::uint32_t>{}
                         : history::split_ids(history.string(event.sub_ids));
  // A replay: stored (acknowledged) before the subscriptions it came for began, so no
  // forward. Which those are: every matching one, or, when it carries identifiers, the ones
  // they name (MQTT-3.3.4-3).
  std::vector<const Subscription*> causes;
  for (const Subscription* s : matching) {
    if (carried.empty() || std::any_of(carried.begin(), carried.end(),
                                       [s](std::uint32_t id) { return contains(s->ids, id); }))
      causes.push_back(s);
  }
  const bool replay = event.retain && !event.dup && t.acked_ns >= 0 && !causes.empty() &&
                      std::all_of(causes.begin(), causes.end(), [&](const Subscription* s) {
                        return s->held_since_ns > t.acked_ns;
                      });
  if (replay) {
    const auto key = std::make_pair(event.client, message_key(event.msg));
    if (std::all_of(causes.begin(), causes.end(), [](const Subscription* s) {
          return history::retain_handling(s->options) == 2 &&
                 s->options_since_ns == s->held_since_ns;
        })) {
      ++counts_.unexpected;
      report("Retain Handling 2: no retained message is sent for the subscription", "MQTT-3.3.1-11",
             event, history);
      return;
    }
    std::int64_t began_ns = 0;
    for (const Subscription* s : causes) began_ns = std::max(began_ns, s->held_since_ns);
    auto seen = replayed_.find(key);
    const bool again = seen != replayed_.end() && seen->second >= began_ns;
    replayed_[key] = event.time_ns;
    if (again && std::all_of(causes.begin(), causes.end(), [](const Subscription* s) {
          return history::retain_handling(s->options) == 1 && !s->replay_again;
        })) {
      ++counts_.unexpected;
      report(
          "Retain Handling 1: retained messages are not sent again for a subscription that "
          "already existed",
          "MQTT-3.3.1-10", event, history);
      return;
    }
  }

  for (std::uint32_t id : carried) {
    if (std::none_of(matching.begin(), matching.end(),
                     [id](const Subscription* s) { return contains(s->ids, id); })) {
      ++counts_.unexpected;
      report("a delivery carries only identifiers of the client's matching subscriptions",
             "MQTT-3.3.4-3", event, history, "carried " + join(carried));
      return;
    }
  }
  ++counts_.ok;
  if (replay) return;
  std::vector<std::uint32_t> owed;
  for (const Subscription* s : matching) {
    const bool excluded = own && history::no_local(s->options);
    if (s->id != 0 && settled(s) && s->ended_ns == kNever && !excluded) owed.push_back(s->id);
  }
  if (owed.empty() && carried.empty()) return;
  IdsOwed& entry = ids_owed_[{event.client, message_key(event.msg)}];
  if (entry.copies++ == 0) {
    entry.first = event;
    entry.owed = owed;
  }
  for (std::uint32_t id : carried)
    if (!contains(entry.carried, id)) entry.carried.push_back(id);
}

void SubscriptionOptionsChecker::report(const char* invariant, const char* spec, const Event& event,
                                        const history::History& history,
                                        const std::string& detail) {
  Violation v{invariant,
              spec,
              {history.client_name(event.msg.publisher), history.client_name(event.client)},
              history.string(event.topic),
              {describe_message(event.msg, history)},
              {}};
  if (log_.wants_detail()) {
    if (auto client = clients_.find(event.client); client != clients_.end()) {
      for (const Subscription& s : client->second) {
        v.excerpt.push_back("(" + history.client_name(event.client) + " subscription " +
                            history.string(s.filter) + " options=" + std::to_string(s.options) +
                            " ids=" + join(s.ids) + ")");
      }
    }
    v.excerpt.push_back(describe_event(event, history) +
                        (detail.empty() ? std::string() : " (" + detail + ")"));
  }
  log_.add(std::move(v));
}

Verdict SubscriptionOptionsChecker::finish(const CheckContext&) {
  for (const auto& [key, entry] : ids_owed_) {
    ++counts_.checked;
    const auto& carried = entry.carried;  // a structured binding cannot be captured (clang)
    const bool complete =
        std::all_of(entry.owed.begin(), entry.owed.end(),
                    [&carried](std::uint32_t id) { return contains(carried, id); });
    if (complete) {
      ++counts_.ok;
      continue;
    }
    ++counts_.unexpected;
    std::vector<std::uint32_t> owed = entry.owed;
    report(entry.copies == 1 ? "a single copy carries the identifiers of all matching subscriptions"
                             : "each copy carries the identifier of its matching subscription",
           entry.copies == 1 ? "MQTT-3.3.4-4" : "MQTT-3.3.4-5", entry.first, *history_,
           "owed " + join(owed) + ", carried " + join(entry.carried));
  }
  return log_.verdict(name(), counts_);
}

}  // namespace mqttbed::check
