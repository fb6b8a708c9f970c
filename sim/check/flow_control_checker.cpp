#include "sim/check/flow_control_checker.h"

#include <algorithm>
#include <string>

#include "sim/history/client_recorder.h"

namespace mqttbed::check {

using history::Event;
using history::EventType;

void FlowControlChecker::observe(const Event& event, const history::History& history) {
  switch (event.type) {
    case EventType::connect_sent: {
      // A new connection: the server's send quota starts again at the Receive Maximum.
      const history::ConnectMode mode = history::connect_mode(history.string(event.detail));
      connections_[event.client] = Connection{mode.receive_maximum, mode.records_acks, {}, 0};
      return;
    }
    case EventType::ack_sent: {
      auto it = connections_.find(event.client);
      if (it == connections_.end()) return;
      auto& open = it->second.unacknowledged;
      auto acked = std::find_if(open.begin(), open.end(), [&](const Event& e) {
        return e.msg == event.msg && e.topic == event.topic;
      });
      if (acked != open.end()) open.erase(acked);
      return;
    }
    case EventType::delivered:
      if (event.qos > 0) on_delivered(event, history);
      return;
    default:
      return;
  }
}

void FlowControlChecker::on_delivered(const Event& event, const history::History& history) {
  auto it = connections_.find(event.client);
  if (it == connections_.end() || it->second.receive_maximum == 0) return;
  Connection& connection = it->second;
  ++counts_.checked;
  if (!connection.records_acks) {
    ++counts_.indeterminate;
    return;
  }
  connection.unacknowledged.push_back(event);
  if (connection.unacknowledged.size() <= connection.receive_maximum) {
    ++counts_.ok;
    return;
  }
  ++counts_.unexpected;
  // One report per connection: the same overrun goes on for every PUBLISH while it lasts.
  if (connection.reported++ > 0) return;
  Violation v{
      "the server has no more QoS 1/2 PUBLISHes unacknowledged than the client's "
      "Receive Maximum",
      "MQTT-3.3.4-9",
      {history.client_name(event.client)},
      history.string(event.topic),
      {},
      {}};
  if (log_.wants_detail()) {
    v.excerpt.push_back("(" + history.client_name(event.client) + " announced Receive Maximum " +
                        std::to_string(connection.receive_maximum) + "; " +
                        std::to_string(connection.unacknowledged.size()) +
                        " received and not yet acknowledged:)");
    for (const Event& open : connection.unacknowledged) {
      if (open.msg.seq != 0) v.messages.push_back(describe_message(open.msg, history));
      v.excerpt.push_back(describe_event(open, history));
    }
  }
  log_.add(std::move(v));
}

Verdict FlowControlChecker::finish(const CheckContext&) { return log_.verdict(name(), counts_); }

}  // namespace mqttbed::check
