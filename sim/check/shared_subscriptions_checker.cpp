#include "sim/check/shared_subscriptions_checker.h"

#include <algorithm>
#include <tuple>

#include "sim/check/message_expiry_checker.h"
#include "sim/check/seq_set.h"
#include "sim/mqtt/topic.h"

namespace mqttbed::check {

using history::Event;
using history::EventType;

namespace {
constexpr int kFirstFailureCode = 0x80;
}  // namespace

void SharedSubscriptionsChecker::observe(const Event& event, const history::History& history) {
  history_ = &history;
  faults_.observe(event, history);
  sessions_->observe(event, history);
  switch (event.type) {
    case EventType::suback:
      on_suback(event, history);
      return;
    case EventType::publish_sent:
      if (event.msg.seq != 0 && !shares_.empty()) on_publish(event, history);
      return;
    case EventType::publish_acked:
      if (event.code < kFirstFailureCode) {
        if (auto it = tracks_.find(message_key(event.msg)); it != tracks_.end()) {
          for (Track& track : it->second) track.acked = true;
        }
      }
      return;
    case EventType::delivered:
      // RETAIN=1 is a replay from the retained store, not a routing of the publish.
      if (event.msg.seq != 0 && !event.retain) on_delivered(event, history);
      return;
    default:
      return;
  }
}

void SharedSubscriptionsChecker::on_suback(const Event& event, const history::History& history) {
  if (event.code >= kFirstFailureCode) return;
  const auto parsed = mqtt::parse_shared(history.string(event.topic));
  if (!parsed) return;
  auto [it, added] = share_index_.try_emplace({parsed->group, parsed->filter}, shares_.size());
  if (added) shares_.push_back({parsed->group, parsed->filter, event.topic, {}, {}});
  Share& share = shares_[it->second];
  const auto at = std::find(share.clients.begin(), share.clients.end(), event.client);
  if (at == share.clients.end()) {
    share.clients.push_back(event.client);
    share.granted.push_back(event.qos);
  } else {
    share.granted[static_cast<std::size_t>(at - share.clients.begin())] = event.qos;
  }
}

// Does `client` hold the share now (granted, not unsubscribed, session not lost)?
bool SharedSubscriptionsChecker::holds(std::uint32_t client, const Share& share) const {
  const auto& filters = sessions_->state(client).filters;
  return std::find(filters.begin(), filters.end(), share.shared_filter) != filters.end();
}

void SharedSubscriptionsChecker::on_publish(const Event& event, const history::History& history) {
  const std::string& topic = history.string(event.topic);
  for (std::size_t i = 0; i < shares_.size(); ++i) {
    const Share& share = shares_[i];
    if (!mqtt::topic_matches(share.filter, topic)) continue;
    Track track{i, event, event.qos == 0, sessions_->state(event.client).connection, {}, {}};
    for (const std::uint32_t client : share.clients) {
      if (!holds(client, share)) continue;
      const ClientState& state = sessions_->state(client);
      track.members.push_back({client, 0, state.session, state.subscriptions, state.connection});
    }
    if (!track.members.empty()) tracks_[message_key(event.msg)].push_back(std::move(track));
  }
}

void SharedSubscriptionsChecker::on_delivered(const Event& event, const history::History& history) {
  auto it = tracks_.find(message_key(event.msg));
  if (it == tracks_.end()) return;
  // Which share this copy came through: exactly one whose members include the receiver,
  // and no plain subscription of its own that could have brought it instead.
  Track* through = nullptr;
  int candidates = 0;
  for (Track& track : it->second) {
    const auto& clients = shares_[track.share].clients;
    if (std::find(clients.begin(), clients.end(), event.client) == clients.end()) continue;
    ++candidates;
    through = &track;
  }
  if (candidates != 1) return;
  bool plain = false;
  sessions_->all_subscribers(history.string(event.topic), [&](const SubscriberMark& mark) {
    if (mark.client == event.client) plain = true;
  });
  if (plain) return;
  Track& track = *through;
  for (const Copy& copy : track.copies) {
    if (copy.delivery.client == event.client) return;  // a resend to the same member
  }
  ++counts_.checked;
  const ClientState& receiver = sessions_->state(event.client);
  track.copies.push_back({event, receiver.connection});
  const Share& share = shares_[track.share];
  // MQTT-4.8.2-3: at most the member's granted QoS (and never above the publish QoS).
  const auto at = std::find(share.clients.begin(), share.clients.end(), event.client);
  const std::uint8_t granted = share.granted[static_cast<std::size_t>(at - share.clients.begin())];
  const Copy& first = track.copies.front();
  if (track.copies.size() == 1) {
    if (event.qos > std::min(track.publish.qos, granted)) {
      ++counts_.unexpected;
      report("a shared subscription's copy is at most min(publish QoS, granted QoS)",
             "MQTT-4.8.2-3", track, {&track.publish, &event}, event.client);
    } else {
      ++counts_.ok;
    }
    return;
  }
  // A second member: allowed only for QoS 1 after the first member's connection broke.
  ++counts_.duplicated;
  const Event& earlier = first.delivery;
  const ClientState& first_member = sessions_->state(earlier.client);
  const bool first_kept = first_member.connected && first_member.connection == first.connection;
  const bool republished =
      track.publish.qos == 1 &&
      sessions_->state(track.publish.client).connection != track.publisher_connection;
  if (republished || (earlier.qos == 1 &&
                      (!first_kept || faults_.disturbed_since(earlier.time_ns, earlier.client)))) {
    ++counts_.indeterminate;
    return;
  }
  ++counts_.unexpected;
  const char* spec = earlier.qos == 2 ? "MQTT-4.8.2-5" : "MQTT 5 §4.8.2";
  report(("a message matching $share/" + share.group + "/" + share.filter +
          " goes to one member of the group")
             .c_str(),
         spec, track, {&track.publish, &earlier, &event}, event.client);
}

void SharedSubscriptionsChecker::report(const char* invariant, const char* spec, const Track& track,
                                        const std::vector<const Event*>& events,
                                        std::uint32_t client) {
  const history::History& h = *history_;
  Violation v{invariant,
              spec,
              {h.client_name(track.publish.client), h.client_name(client)},
              h.string(track.publish.topic),
              {describe_message(track.publish.msg, h)},
              {}};
  if (log_.wants_detail()) {
    for (const Event* event : events) v.excerpt.push_back(describe_event(*event, h));
  }
  log_.add(std::move(v));
}

Verdict SharedSubscriptionsChecker::finish(const CheckContext& context) {
  std::vector<const Track*> missing;
  for (const auto& [key, tracks] : tracks_) {
    for (const Track& track : tracks) {
      if (!track.copies.empty() || track.publish.qos == 0) continue;
      missing.push_back(&track);
    }
  }
  std::sort(missing.begin(), missing.end(), [](const Track* a, const Track* b) {
    return std::tie(a->publish.time_ns, a->publish.client, a->share) <
           std::tie(b->publish.time_ns, b->publish.client, b->share);
  });
  for (const Track* track : missing) {
    ++counts_.checked;
    const bool all_stayed = std::all_of(
        track->members.begin(), track->members.end(), [this](const SubscriberMark& member) {
          return sessions_->alive_since(member, /*same_connection=*/true);
        });
    const bool judged = track->acked && track->publish.expiry_s == 0 && all_stayed &&
                        track->publish.time_ns < context.deadline_ns() &&
                        !faults_.crashed_since(track->publish.time_ns) &&
                        !may_have_expired(track->publish, context.deadline_ns());
    if (!judged) {
      ++counts_.indeterminate;
      continue;
    }
    ++counts_.lost;
    const Share& share = shares_[track->share];
    report(("a message matching $share/" + share.group + "/" + share.filter +
            " reaches one member of the group")
               .c_str(),
           "MQTT-4.5.0-1", *track, {&track->publish}, track->members.front().client);
  }
  return log_.verdict(name(), counts_);
}

}  // namespace mqttbed::check
