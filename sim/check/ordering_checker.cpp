#include "sim/check/ordering_checker.h"

namespace mqttbed::check {

using history::Event;
using history::EventType;

void OrderingChecker::observe(const Event& event, const history::History& history) {
  sessions_->observe(event, history);
  if (event.type != EventType::delivered || event.is_will || event.retain || event.msg.seq == 0) {
    return;
  }
  if (shares_topic(sessions_->state(event.client), history.string(event.topic), history)) return;
  if (!delivered_[pair_key(event.client, event.msg.publisher)].insert(event.msg.seq)) return;
  ++counts_.checked;
  const StreamKey key{event.client, event.msg.publisher, event.topic, event.publish_qos};
  auto [it, inserted] = highest_.try_emplace(key, Highest{event.msg.seq, event.time_ns});
  if (inserted || event.msg.seq > it->second.seq) {
    it->second = {event.msg.seq, event.time_ns};
    ++counts_.ok;
    return;
  }
  Violation v{"first deliveries from one publisher on one topic and QoS arrive in publish order",
              "MQTT-4.6.0-6",
              {history.client_name(event.msg.publisher), history.client_name(event.client)},
              history.string(event.topic),
              {describe_message({event.msg.publisher, it->second.seq}, history),
               describe_message(event.msg, history)},
              {}};
  if (log_.wants_detail()) {
    Event earlier = event;
    earlier.msg.seq = it->second.seq;
    earlier.time_ns = it->second.time_ns;
    earlier.dup = false;
    v.excerpt.push_back(describe_event(earlier, history));
    v.excerpt.push_back(describe_event(event, history));
  }
  log_.add(std::move(v));
}

Verdict OrderingChecker::finish(const CheckContext& context) {
  if (context.broker_ordering) return log_.verdict(name(), counts_);
  return not_promised_verdict(
      name(), counts_, log_.count(),
      "the declared broker profile makes no ordering promise (broker.ordering: false)");
}

}  // namespace mqttbed::check
