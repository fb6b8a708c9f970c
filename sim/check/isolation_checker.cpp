#include "sim/check/isolation_checker.h"

#include "sim/mqtt/topic.h"

namespace mqttbed::check {

using history::Event;
using history::EventType;

IsolationChecker::IsolationChecker(AccessPolicy policy) : allowed_(std::move(policy)) {}

void IsolationChecker::observe(const Event& event, const history::History& history) {
  if (event.type == EventType::suback) {
    ++counts_.checked;
    if (event.qos > 2) {
      // A refusal (0x80) is right when the policy denies the filter or the filter is not
      // valid (MQTT-4.7.1); a valid filter the scenario's policy permits must be granted:
      // the scenario declares the broker's authorizer (sim/security), and the devices count
      // on what it permits (an app refused its home's topics receives nothing, silently).
      const std::string& filter = history.string(event.topic);
      if (mqtt::is_valid_topic_filter(filter) &&
          allowed_(history.client_name(event.client), policy::Action::subscribe,
                   mqtt::authorized_filter(filter))) {
        report("a SUBACK grants a filter the scenario's policy permits (no 0x80)", event, history,
               "MQTT-3.9.3 (0x80 only where the declared policy denies)");
      } else {
        ++counts_.ok;
      }
      return;
    }
    if (allowed_(history.client_name(event.client), policy::Action::subscribe,
                 mqtt::authorized_filter(history.string(event.topic)))) {
      ++counts_.ok;
    } else {
      report("a SUBACK never grants a filter the client may not subscribe to", event, history);
    }
    return;
  }
  if (event.type != EventType::delivered) return;
  ++counts_.checked;
  const std::string& topic = history.string(event.topic);
  if (!allowed_(history.client_name(event.client), policy::Action::receive, topic)) {
    report("a client receives only messages on topics it may read", event, history);
  } else if (event.msg.seq != 0 &&
             !allowed_(history.client_name(event.msg.publisher), policy::Action::publish, topic)) {
    report("a message its publisher was not allowed to publish reaches no one", event, history);
  } else {
    ++counts_.ok;
  }
}

void IsolationChecker::report(const char* invariant, const Event& event,
                              const history::History& history, const char* spec) {
  ++counts_.unexpected;
  Violation v{invariant, spec, {}, history.string(event.topic), {}, {}};
  if (event.msg.seq != 0) v.clients.push_back(history.client_name(event.msg.publisher));
  v.clients.push_back(history.client_name(event.client));
  if (event.msg.seq != 0) v.messages.push_back(describe_message(event.msg, history));
  if (log_.wants_detail()) v.excerpt.push_back(describe_event(event, history));
  log_.add(std::move(v));
}

Verdict IsolationChecker::finish(const CheckContext&) { return log_.verdict(name(), counts_); }

}  // namespace mqttbed::check
