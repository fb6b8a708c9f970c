#include "sim/check/client_sessions.h"

#include <algorithm>
#include <stdexcept>

#include "sim/check/violation_log.h"
#include "sim/history/client_recorder.h"
#include "sim/mqtt/topic.h"

namespace mqttbed::check {

using history::Event;
using history::EventType;

namespace {
const ClientState kUnknownClient;
// In filters_' values, beside the granted QoS (bits 0-1): the MQTT 5 options other checkers ask.
constexpr std::uint8_t kNoLocal = 0x80;
constexpr std::uint8_t kRetainAsPublished = 0x40;
constexpr std::uint8_t kGrantedQos = 0x03;
}  // namespace

const ClientState& ClientSessions::state(std::uint32_t client) const {
  return client < clients_.size() ? clients_[client] : kUnknownClient;
}

ClientState& ClientSessions::mutable_state(std::uint32_t client) {
  if (client >= clients_.size()) clients_.resize(client + 1);
  return clients_[client];
}

void ClientSessions::remember(ClientState& state, const Event& event) {
  if (state.recent_count == state.recent.size()) {
    std::rotate(state.recent.begin(), state.recent.begin() + 1, state.recent.end());
    state.recent.back() = event;
  } else {
    state.recent[state.recent_count++] = event;
  }
}

void ClientSessions::end_connection(std::uint32_t client, ClientState& state,
                                    const history::History& history) {
  if (!state.connected) return;
  state.connected = false;
  ++state.connection;
  // MQTT-3.1.2-6: a clean session lasts only as long as its network connection (in MQTT 5,
  // a session whose expiry interval is 0).
  if (state.ends_with_connection) drop_session(client, state, history);
}

void ClientSessions::drop_session(std::uint32_t client, ClientState& state,
                                  const history::History& history) {
  ++state.session;
  for (std::uint32_t filter : state.filters) filters_.erase(history.string(filter), client);
  state.filters.clear();
}

void ClientSessions::observe(const Event& event, const history::History& history) {
  // Shared by several checkers, each of which passes every event: count it once. The
  // history's size is the event's serial while its observers run (0 outside a history).
  if (history.size() != 0 && history.size() == last_event_) return;
  last_event_ = history.size();
  if (event.type == EventType::delivered || event.type == EventType::publish_sent ||
      event.type == EventType::publish_acked || event.type == EventType::pubrec ||
      event.type == EventType::fault) {
    return;
  }
  ClientState& state = mutable_state(event.client);
  remember(state, event);
  const std::string& text = history.string(event.topic);
  switch (event.type) {
    case EventType::connect_sent: {
      end_connection(event.client, state, history);  // a new CONNECT: the old one is gone
      const history::ConnectMode mode = history::connect_mode(history.string(event.detail));
      state.pending_clean = mode.clean;
      state.pending_ends_with_connection = mode.ends_with_connection();
      break;
    }
    case EventType::connack:
      if (event.code != 0) break;
      state.connected = state.ever_connected = true;
      state.clean = state.pending_clean;
      state.ends_with_connection = state.pending_ends_with_connection;
      // MQTT-3.2.2-1/-2: without session present the client starts with no subscriptions.
      if (state.clean || !event.session_present) drop_session(event.client, state, history);
      break;
    case EventType::connect_failed:
      // A clean CONNECT the broker saw may have discarded the old session (MQTT-3.1.2-6).
      if (state.pending_clean) ++state.session;
      break;
    case EventType::disconnect_sent:
    case EventType::connection_lost:
      end_connection(event.client, state, history);
      break;
    case EventType::suback:
      if (event.qos > 2) break;  // 0x80: failure (MQTT-3.9.3-2)
      try {
        // The trie holds the granted QoS, with kNoLocal for a No Local subscription.
        filters_.insert(
            text, event.client,
            static_cast<std::uint8_t>(
                event.qos | (history::no_local(event.sub_options) ? kNoLocal : 0) |
                (history::retain_as_published(event.sub_options) ? kRetainAsPublished : 0)));
      } catch (const std::invalid_argument&) {
        break;  // a broker granting an invalid filter is not this unit's business
      }
      if (std::find(state.filters.begin(), state.filters.end(), event.topic) ==
          state.filters.end()) {
        state.filters.push_back(event.topic);
      }
      break;
    case EventType::unsubscribe_sent:
      if (filters_.erase(text, event.client)) {
        std::erase(state.filters, event.topic);
        ++state.subscriptions;
      }
      break;
    default:
      break;
  }
}

void ClientSessions::subscribers(const std::string& topic, bool connected_only,
                                 const std::function<void(const SubscriberMark&)>& visit) const {
  if (topic.empty() || !mqtt::is_valid_topic_name(topic)) return;
  for (const SubscriberMark& mark : matching(topic)) {
    if (!connected_only || state(mark.client).connected) visit(mark);
  }
}

// Several checkers ask for the same publish's subscribers: the match is made once per event.
const std::vector<SubscriberMark>& ClientSessions::matching(const std::string& topic) const {
  if (last_event_ != 0 && matched_event_ == last_event_ && matched_topic_ == topic) return matched_;
  matched_.clear();
  filters_.match(topic, [&](std::uint64_t key, const std::uint8_t& value) {
    const auto client = static_cast<std::uint32_t>(key);
    const auto granted = static_cast<std::uint8_t>(value & kGrantedQos);
    const bool no_local = (value & kNoLocal) != 0;
    for (SubscriberMark& mark : matched_) {
      if (mark.client == client) {
        mark.granted_qos = std::max(mark.granted_qos, granted);
        mark.no_local_only = mark.no_local_only && no_local;
        return;
      }
    }
    const ClientState& s = state(client);
    matched_.push_back({client, granted, s.session, s.subscriptions, s.connection, no_local});
  });
  std::sort(matched_.begin(), matched_.end(),
            [](const auto& a, const auto& b) { return a.client < b.client; });
  matched_event_ = last_event_;
  matched_topic_ = topic;
  return matched_;
}

void ClientSessions::connected_subscribers(
    const std::string& topic, const std::function<void(const SubscriberMark&)>& visit) const {
  subscribers(topic, true, visit);
}

void ClientSessions::all_subscribers(
    const std::string& topic, const std::function<void(const SubscriberMark&)>& visit) const {
  subscribers(topic, false, visit);
}

bool ClientSessions::keeps_retain(std::uint32_t client, const std::string& topic) const {
  if (topic.empty() || !mqtt::is_valid_topic_name(topic)) return false;
  bool keeps = false;
  filters_.match(topic, [&](std::uint64_t key, const std::uint8_t& value) {
    keeps = keeps || (key == client && (value & kRetainAsPublished) != 0);
  });
  return keeps;
}

bool ClientSessions::alive_since(const SubscriberMark& mark, bool same_connection) const {
  const ClientState& s = state(mark.client);
  return s.connected && s.session == mark.session && s.subscriptions == mark.subscriptions &&
         (!same_connection || s.connection == mark.connection);
}

void ClientSessions::append_recent(std::uint32_t client, const history::History& history,
                                   std::vector<std::string>& excerpt) const {
  const ClientState& s = state(client);
  for (std::uint8_t i = 0; i < s.recent_count; ++i) {
    excerpt.push_back(describe_event(s.recent[i], history));
  }
}

bool shares_topic(const ClientState& state, const std::string& topic,
                  const history::History& history) {
  for (const std::uint32_t filter : state.filters) {
    const std::string& text = history.string(filter);
    if (text.rfind("$share/", 0) != 0) continue;
    if (const auto shared = mqtt::parse_shared(text);
        shared && mqtt::topic_matches(shared->filter, topic)) {
      return true;
    }
  }
  return false;
}

}  // namespace mqttbed::check
