#include "sim/check/properties_checker.h"

#include <algorithm>

#include "sim/check/seq_set.h"
#include "sim/mqtt/properties.h"

namespace mqttbed::check {

using history::Event;
using history::EventType;

namespace {

mqtt::ApplicationProperties properties_of(const Event& event, const history::History& history) {
  if (event.properties == 0) return {};
  // Text the recorder wrote; unreadable text reads as none (and then differs).
  return mqtt::decode_properties(history.string(event.properties))
      .value_or(mqtt::ApplicationProperties{});
}

// The first forwarding rule `got` breaks against `sent`, with its spec id, or nullptr.
const char* broken_rule(const mqtt::ApplicationProperties& sent,
                        const mqtt::ApplicationProperties& got, const char** spec) {
  if (sent.response_topic != got.response_topic) {
    *spec = "MQTT-3.3.2-15";
    return "the Response Topic is forwarded unaltered";
  }
  if (sent.correlation_data != got.correlation_data) {
    *spec = "MQTT-3.3.2-16";
    return "the Correlation Data is forwarded unaltered";
  }
  if (sent.user == got.user) return nullptr;
  auto sorted_sent = sent.user;
  auto sorted_got = got.user;
  std::sort(sorted_sent.begin(), sorted_sent.end());
  std::sort(sorted_got.begin(), sorted_got.end());
  if (sorted_sent != sorted_got) {
    *spec = "MQTT-3.3.2-17";
    return "every User Property is forwarded unaltered";
  }
  *spec = "MQTT-3.3.2-18";
  return "User Properties are forwarded in their order";
}

}  // namespace

void PropertiesChecker::observe(const Event& event, const history::History& history) {
  if (event.client >= v5_.size()) v5_.resize(event.client + 1, false);
  switch (event.type) {
    case EventType::connect_sent:
      v5_[event.client] = event.code == 5;
      return;
    case EventType::publish_sent:
      if (event.properties != 0 && event.msg.seq != 0) on_publish(event, history);
      return;
    case EventType::delivered:
      if (v5_[event.client]) on_delivered(event, history);
      return;
    default:
      return;
  }
}

void PropertiesChecker::on_publish(const Event& event, const history::History& history) {
  sent_[message_key(event.msg)] = event;
  const auto properties = properties_of(event, history);
  if (properties.response_topic.empty() || properties.correlation_data.empty()) return;
  const std::string& topic = properties.response_topic;
  requests_.try_emplace({event.client, topic, properties.correlation_data}, Request{event, 0});
  if (event.client >= response_topics_.size()) response_topics_.resize(event.client + 1);
  auto& topics = response_topics_[event.client];
  if (std::find(topics.begin(), topics.end(), topic) == topics.end()) topics.push_back(topic);
}

void PropertiesChecker::on_delivered(const Event& event, const history::History& history) {
  if (event.client < response_topics_.size()) {
    const auto& topics = response_topics_[event.client];
    if (std::find(topics.begin(), topics.end(), history.string(event.topic)) != topics.end()) {
      answer(event, history);
    }
  }
  if (event.msg.seq == 0) return;
  const auto sent = sent_.find(message_key(event.msg));
  if (sent == sent_.end()) return;
  ++counts_.checked;
  const char* spec = "";
  if (const char* rule =
          broken_rule(properties_of(sent->second, history), properties_of(event, history), &spec)) {
    ++counts_.unexpected;
    report(rule, spec, sent->second, event, history);
    return;
  }
  ++counts_.ok;
}

// A delivery on one of the requester's response topics.
void PropertiesChecker::answer(const Event& event, const history::History& history) {
  const auto got = properties_of(event, history);
  ++counts_.checked;
  const auto request =
      requests_.find({event.client, history.string(event.topic), got.correlation_data});
  if (request == requests_.end()) {
    ++counts_.unexpected;
    report("a response carries the Correlation Data of its request (§4.10.2)", "MQTT-3.3.2-16",
           event, event, history);
    return;
  }
  const std::uint64_t key = message_key(event.msg);
  if (request->second.answered_by == 0 || request->second.answered_by == key) {
    request->second.answered_by = key;
    ++counts_.ok;
    return;
  }
  ++counts_.duplicated;
  ++counts_.unexpected;
  report("a request is answered at most once (§4.10)", "MQTT 5 §4.10", request->second.publish,
         event, history);
}

void PropertiesChecker::report(const char* invariant, const char* spec, const Event& publish,
                               const Event& delivery, const history::History& history) {
  Violation v{invariant,
              spec,
              {history.client_name(publish.client), history.client_name(delivery.client)},
              history.string(delivery.topic),
              {describe_message(delivery.msg, history)},
              {}};
  if (log_.wants_detail()) {
    if (&publish != &delivery) v.excerpt.push_back(describe_event(publish, history));
    v.excerpt.push_back(describe_event(delivery, history));
  }
  log_.add(std::move(v));
}

Verdict PropertiesChecker::finish(const CheckContext&) { return log_.verdict(name(), counts_); }

}  // namespace mqttbed::check
