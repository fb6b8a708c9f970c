#include "sim/check/answers_checker.h"

#include <algorithm>
#include <tuple>

namespace mqttbed::check {

using history::Event;
using history::EventType;

void AnswersChecker::observe(const Event& event, const history::History& history) {
  history_ = &history;
  switch (event.type) {
    case EventType::publish_sent:
      if (event.qos > 0) {
        ++counts_.checked;
        clients_[event.client].publishes[event.msg.seq] = Request{event, false};
      }
      break;
    case EventType::publish_acked: {
      auto client = clients_.find(event.client);
      if (client != clients_.end() && client->second.publishes.erase(event.msg.seq) > 0)
        ++counts_.ok;
      break;
    }
    case EventType::subscribe_sent:
      ++counts_.checked;
      clients_[event.client].subscribes.push_back(Request{event, false});
      break;
    case EventType::suback: {
      // SUBACKs answer SUBSCRIBEs in order (MQTT-3.8.4-2: same packet identifier); the
      // oldest open request for this filter is the one answered.
      auto client = clients_.find(event.client);
      if (client == clients_.end()) break;
      auto& subs = client->second.subscribes;
      auto it = std::find_if(subs.begin(), subs.end(),
                             [&](const Request& r) { return r.sent.topic == event.topic; });
      if (it != subs.end()) {
        subs.erase(it);
        ++counts_.ok;
      }
      break;
    }
    case EventType::connect_sent:
    case EventType::disconnect_sent:
    case EventType::connection_lost: {
      // The connection the open requests went out on is over: their answers may be lost
      // with it. A SUBSCRIBE is never answered on a later connection (MQTT-3.8.4-1 is per
      // connection); a QoS >= 1 publish may be, after a resend (MQTT-4.4.0-1).
      auto client = clients_.find(event.client);
      if (client == clients_.end()) break;
      counts_.indeterminate += client->second.subscribes.size();
      client->second.subscribes.clear();
      for (auto& [seq, request] : client->second.publishes) request.connection_ended = true;
      break;
    }
    default:
      break;
  }
}

Verdict AnswersChecker::finish(const CheckContext& context) {
  std::vector<const Request*> open;
  for (const auto& [client_id, client] : clients_) {
    for (const auto& [seq, request] : client.publishes) open.push_back(&request);
    for (const Request& request : client.subscribes) open.push_back(&request);
  }
  std::sort(open.begin(), open.end(), [](const Request* a, const Request* b) {
    return std::tie(a->sent.time_ns, a->sent.client, a->sent.msg.seq) <
           std::tie(b->sent.time_ns, b->sent.client, b->sent.msg.seq);
  });
  for (const Request* request : open) {
    const Event& sent = request->sent;
    if (request->connection_ended || sent.time_ns >= context.deadline_ns()) {
      ++counts_.indeterminate;
      continue;
    }
    ++counts_.lost;
    const bool subscribe = sent.type == EventType::subscribe_sent;
    const char* answer = subscribe ? "SUBACK" : sent.qos == 1 ? "PUBACK" : "PUBREC/PUBCOMP";
    Violation v{std::string("the server answers every ") +
                    (subscribe       ? "SUBSCRIBE"
                     : sent.qos == 1 ? "QoS 1 PUBLISH"
                                     : "QoS 2 PUBLISH") +
                    " (" + answer + ")",
                subscribe       ? "MQTT-3.8.4-1"
                : sent.qos == 1 ? "MQTT-4.3.2-2"
                                : "MQTT-4.3.3-2",
                {history_->client_name(sent.client)},
                history_->string(sent.topic),
                {},
                {}};
    if (!subscribe) v.messages.push_back(describe_message(sent.msg, *history_));
    if (log_.wants_detail()) {
      v.excerpt.push_back(describe_event(sent, *history_));
      v.excerpt.push_back(std::string("(no ") + answer +
                          " by the end of the run; the connection stayed up)");
    }
    log_.add(std::move(v));
  }
  return log_.verdict(name(), counts_);
}

}  // namespace mqttbed::check
