#include "sim/check/isolation_checker.h"

namespace mqttbed::check {

using history::Event;
using history::EventType;

IsolationChecker::IsolationChecker(AccessPolicy policy) : allowed_(std::move(policy)) {}

void IsolationChecker::observe(const Event& event, const history::History& history) {
  if (event.type == EventType::suback) {
    if (event.qos > 2) return;  // refused: as it should be when denied
    ++counts_.checked;
    if (allowed_(history.client_name(event.client), history.string(event.topic), false)) {
      ++counts_.ok;
    } else {
      report("a SUBACK never grants a filter the client may not subscribe to", event, history);
    }
    return;
  }
  if (event.type != EventType::delivered) return;
  ++counts_.checked;
  const std::string& topic = history.string(event.topic);
  if (!allowed_(history.client_name(event.client), topic, false)) {
    report("a client receives only messages on topics it may read", event, history);
  } else if (event.msg.seq != 0 &&
             !allowed_(history.client_name(event.msg.publisher), topic, true)) {
    report("a message its publisher was not allowed to publish reaches no one", event, history);
  } else {
    ++counts_.ok;
  }
}

void IsolationChecker::report(const char* invariant, const Event& event,
                              const history::History& history) {
  ++counts_.unexpected;
  Violation v{invariant, "MQTT 3.1.1 §5.4.2", {}, history.string(event.topic), {}, {}};
  if (event.msg.seq != 0) v.clients.push_back(history.client_name(event.msg.publisher));
  v.clients.push_back(history.client_name(event.client));
  if (event.msg.seq != 0) v.messages.push_back(describe_message(event.msg, history));
  if (log_.wants_detail()) v.excerpt.push_back(describe_event(event, history));
  log_.add(std::move(v));
}

Verdict IsolationChecker::finish(const CheckContext&) {
  return log_.verdict(name(), counts_);
}

}  // namespace mqttbed::check
