#include "sim/check/delivery_checker.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string>

#include "sim/mqtt/topic.h"

namespace mqttbed::check {

using history::Event;
using history::EventType;

namespace {

constexpr int kSubackFailure = 0x80;

// "12.000000500s", as describe_event writes times.
std::string seconds(std::int64_t ns) {
  char text[48];
  std::snprintf(text, sizeof text, "%" PRId64 ".%09" PRId64 "s", ns / 1000000000, ns % 1000000000);
  return text;
}

// Would `filter` match `topic` if MQTT-4.7.2-1 did not keep `$` topics from filters that
// start with a wildcard? (The broker that delivers such a topic broke that rule.)
bool matches_but_for_dollar(const std::string& filter, const std::string& topic) {
  if (topic.empty() || topic.front() != '$' || filter.empty()) return false;
  if (filter.front() != '+' && filter.front() != '#') return false;
  // Compare with the first level replaced by one no filter rule treats specially.
  const std::size_t slash = topic.find('/');
  const std::string plain = "x" + (slash == std::string::npos ? "" : topic.substr(slash));
  return mqtt::topic_matches(filter, plain);
}

}  // namespace

void DeliveryChecker::observe(const Event& event, const history::History& history) {
  switch (event.type) {
    case EventType::publish_sent:
      record_publish(event);
      return;
    case EventType::connect_sent:
      if (event.is_will) record_publish(event);
      return;
    case EventType::connack:
      // MQTT-3.2.2-1/-2: without a session present the server kept no subscription.
      if (event.code == 0 && !event.session_present) clients_.erase(event.client);
      return;
    case EventType::subscribe_sent: {
      Subscription& s = subscription(event.client, event.topic);
      // Until the SUBACK, a repeated SUBSCRIBE may still be served under the old grant.
      s.qos = s.ended_ns == kNever ? std::max(s.qos, event.qos) : event.qos;
      s.acked_ns = kNever;
      s.ended_ns = kNever;
      if (history::retain_as_published(event.sub_options) != s.retain_as_published) {
        s.retain_as_published = !s.retain_as_published;
        s.options_since_ns = event.time_ns;
      }
      return;
    }
    case EventType::suback: {
      Subscription& s = subscription(event.client, event.topic);
      if (event.qos == kSubackFailure || event.qos > 2) {
        s.ended_ns = event.time_ns;  // MQTT-3.9.3-2: refused, nothing is held
      } else {
        s.qos = event.qos;
        s.acked_ns = event.time_ns;
      }
      return;
    }
    case EventType::unsuback:
      // MQTT-3.10.4-2: from here on nothing new is added for delivery on this filter.
      if (Subscription* s = find(event.client, event.topic);
          s != nullptr && s->ended_ns == kNever) {
        s->ended_ns = event.time_ns;
      }
      return;
    case EventType::delivered:
      on_delivered(event, history);
      return;
    default:
      return;
  }
}

DeliveryChecker::Subscription* DeliveryChecker::find(std::uint32_t client, std::uint32_t filter) {
  auto held = clients_.find(client);
  if (held == clients_.end()) return nullptr;
  auto it = std::find_if(held->second.begin(), held->second.end(),
                         [filter](const Subscription& s) { return s.filter == filter; });
  return it == held->second.end() ? nullptr : &*it;
}

DeliveryChecker::Subscription& DeliveryChecker::subscription(std::uint32_t client,
                                                             std::uint32_t filter) {
  if (Subscription* known = find(client, filter)) return *known;
  std::vector<Subscription>& held = clients_[client];
  held.push_back(Subscription{filter, 0, kNever, kNever, false, 0});
  return held.back();
}

void DeliveryChecker::record_publish(const Event& event) {
  if (event.msg.seq == 0) return;
  if (event.msg.publisher >= published_.size()) published_.resize(event.msg.publisher + 1);
  std::vector<std::int64_t>& times = published_[event.msg.publisher];
  if (event.msg.seq > times.size()) times.resize(event.msg.seq, -1);
  times[event.msg.seq - 1] = event.time_ns * 2 + (event.retain ? 1 : 0);
}

std::int64_t DeliveryChecker::publish_time(history::MessageId id, bool* retain) const {
  *retain = false;
  if (id.seq == 0 || id.publisher >= published_.size()) return -1;
  const std::vector<std::int64_t>& times = published_[id.publisher];
  if (id.seq > times.size() || times[id.seq - 1] < 0) return -1;
  *retain = (times[id.seq - 1] & 1) != 0;
  return times[id.seq - 1] / 2;
}

DeliveryChecker::Entitlement DeliveryChecker::entitlement(const Event& event,
                                                          std::int64_t publish_ns,
                                                          const history::History& history) const {
  Entitlement e;
  const auto client = clients_.find(event.client);
  if (client == clients_.end()) return e;
  const std::string& topic = history.string(event.topic);
  for (const Subscription& s : client->second) {
    // A shared subscription ($share/{group}/{filter}, MQTT 5 §4.8.2) entitles its member to
    // what its filter matches (whether it is the member that should get it is
    // shared_subscriptions' question).
    const auto shared = mqtt::parse_shared(history.string(s.filter));
    const std::string& filter = shared ? shared->filter : history.string(s.filter);
    if (!mqtt::topic_matches(filter, topic)) {
      if (s.ended_ns == kNever && matches_but_for_dollar(filter, topic)) e.dollar_wildcard = true;
      continue;
    }
    bool counts = s.ended_ns == kNever;
    if (!counts && publish_ns < 0) {
      e.ended_unknown = true;
    } else if (!counts && publish_ns < s.ended_ns) {
      counts = e.tolerated = true;  // MQTT-3.10.4-3: buffered before the UNSUBACK
    } else if (!counts) {
      e.ended = true;
    }
    if (!counts) continue;
    e.held = e.held || s.ended_ns == kNever;
    e.qos = std::max(e.qos, s.qos);
    e.latest_ack_ns = std::max(e.latest_ack_ns, s.acked_ns);
    e.any_retain_as_published = e.any_retain_as_published || s.retain_as_published;
    e.all_retain_as_published = e.all_retain_as_published && s.retain_as_published &&
                                publish_ns >= 0 && s.options_since_ns < publish_ns &&
                                s.acked_ns < publish_ns;
  }
  return e;
}

void DeliveryChecker::on_delivered(const Event& event, const history::History& history) {
  ++counts_.checked;
  bool published_retained = false;
  const std::int64_t publish_ns = publish_time(event.msg, &published_retained);
  const Entitlement e = entitlement(event, publish_ns, history);
  if (!e.held && !e.tolerated) {
    if (e.ended_unknown) {
      ++counts_.indeterminate;  // maybe buffered before an UNSUBACK: the publish time is unknown
      return;
    }
    ++counts_.unexpected;
    if (e.dollar_wildcard) {
      report("a filter starting with a wildcard does not match a topic starting with $",
             "MQTT-4.7.2-1", event, history);
    } else if (e.ended) {
      report("no message published after the UNSUBACK is delivered on the filter", "MQTT-3.10.4-2",
             event, history);
    } else {
      report("a client receives only messages matching a subscription it holds", "MQTT-4.5.0-1",
             event, history);
    }
    return;
  }
  // publish_qos is the publisher's QoS from the envelope (the delivered QoS when foreign).
  const std::uint8_t entitled = std::min(event.publish_qos, e.qos);
  if (event.qos > entitled) {
    ++counts_.unexpected;
    report(
        "delivered at no more than min(publish QoS, highest granted QoS of the matching "
        "subscriptions)",
        "MQTT-3.8.4-6", event, history);
    return;
  }
  // A retained copy answers a subscription made after the message was published; a message
  // published after every matching SUBACK was forwarded to an established subscription.
  if (event.retain && published_retained && publish_ns > e.latest_ack_ns &&
      !e.any_retain_as_published) {
    ++counts_.unexpected;
    report("a forward to an established subscription has RETAIN=0", "MQTT-3.3.1-9", event, history);
    return;
  }
  // MQTT 5 Retain As Published on every matching subscription: RETAIN as published.
  if (!event.retain && published_retained && e.all_retain_as_published) {
    ++counts_.unexpected;
    report("a forward to a Retain As Published subscription keeps RETAIN=1", "MQTT-3.3.1-13", event,
           history);
    return;
  }
  ++counts_.ok;
}

void DeliveryChecker::report(const char* invariant, const char* spec, const Event& event,
                             const history::History& history) {
  Violation v{invariant, spec, {}, history.string(event.topic), {}, {}};
  if (event.msg.seq != 0) v.clients.push_back(history.client_name(event.msg.publisher));
  v.clients.push_back(history.client_name(event.client));
  if (event.msg.seq != 0) v.messages.push_back(describe_message(event.msg, history));
  if (log_.wants_detail()) {
    bool retain = false;
    const std::int64_t publish_ns = publish_time(event.msg, &retain);
    if (publish_ns >= 0) {
      Event publish = event;
      publish.type = event.is_will ? EventType::connect_sent : EventType::publish_sent;
      publish.time_ns = publish_ns;
      publish.client = event.msg.publisher;
      publish.qos = event.publish_qos;
      publish.retain = retain;
      publish.dup = false;
      v.excerpt.push_back(describe_event(publish, history));
    }
    if (auto client = clients_.find(event.client); client != clients_.end()) {
      for (const Subscription& s : client->second) {
        std::string line = "(" + history.client_name(event.client) + " subscription " +
                           history.string(s.filter) + " qos=" + std::to_string(s.qos);
        if (s.acked_ns == kNever) line += " pending";
        if (s.ended_ns != kNever) line += " ended at " + seconds(s.ended_ns);
        v.excerpt.push_back(line + ")");
      }
    } else {
      v.excerpt.push_back("(" + history.client_name(event.client) + " holds no subscription)");
    }
    v.excerpt.push_back(describe_event(event, history));
  }
  log_.add(std::move(v));
}

Verdict DeliveryChecker::finish(const CheckContext&) { return log_.verdict(name(), counts_); }

}  // namespace mqttbed::check
