#include "sim/check/authorization_checker.h"

#include <string_view>

#include "sim/mqtt/topic.h"

namespace mqttbed::check {
namespace {

using history::Event;
using history::EventType;

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool is_connect_attempt(const std::string& kind) {
  return !starts_with(kind, "subscribe_") && !starts_with(kind, "publish_");
}

// CONNACK answers that refuse on the grounds of identity or authorization: 3.1.1 §3.2.2.3
// (4 bad user name or password, 5 not authorized), 5.0 §3.2.2.2 (0x86, 0x87, 0x8C bad
// authentication method). Anything else non-zero (server unavailable, ...) is not the
// authorizer's answer.
bool is_auth_refusal(int code) {
  return code == 4 || code == 5 || code == 0x86 || code == 0x87 || code == 0x8C;
}

constexpr const char* kConnackSpec = "MQTT-3.2.2-5 (CONNACK 4/5 §3.2.2.3; v5 0x86/0x87 §3.2.2.2)";
constexpr const char* kSubackSpec = "MQTT-3.9.3-2 (SUBACK 0x80 §3.9.3; v5 0x87)";
// 3.1.1 has no refusal for a PUBLISH: AWS IoT closes the connection, mosquitto drops the
// message; either way no subscriber may receive it (v5: PUBACK 0x87 §3.4.2.1).
constexpr const char* kPublishSpec =
    "MQTT 3.1.1 §5.4.2 / AWS IoT policy semantics (v5 PUBACK 0x87 §3.4.2.1)";

}  // namespace

AuthorizationChecker::AuthorizationChecker(const security::PolicySetup& setup)
    : authorizer_(setup), authenticates_(setup.authenticates) {}

void AuthorizationChecker::observe(const Event& event, const history::History& history) {
  switch (event.type) {
    case EventType::attempt: {
      Attempt attempt{history.string(event.detail), history.string(event.topic), event};
      ++tallies_[attempt.kind].attempts;
      clients_[event.client].pending = std::move(attempt);
      return;
    }
    case EventType::connect_sent: {
      ClientState& state = clients_[event.client];
      state.connect.reset();
      if (state.pending && is_connect_attempt(state.pending->kind)) {
        state.connect = std::move(state.pending);
        state.pending.reset();
      }
      return;
    }
    case EventType::connack:
      on_connack(event, history);
      return;
    case EventType::connect_failed: {
      // No CONNACK: the broker was unreachable or the network failed; nothing to judge.
      ClientState& state = clients_[event.client];
      if (state.connect) ++tallies_[state.connect->kind].indeterminate;
      if (state.connect) ++counts_.indeterminate;
      state.connect.reset();
      return;
    }
    case EventType::subscribe_sent: {
      ClientState& state = clients_[event.client];
      const std::string& filter = history.string(event.topic);
      if (state.pending && starts_with(state.pending->kind, "subscribe_") &&
          state.pending->target == filter) {
        state.subscribes[filter] = std::move(*state.pending);
        state.pending.reset();
      }
      return;
    }
    case EventType::suback:
      on_suback(event, history);
      return;
    case EventType::publish_sent:
      if (!event.is_will) on_publish(event, history);
      return;
    case EventType::delivered:
      on_delivered(event, history);
      return;
    case EventType::connection_lost:
    case EventType::disconnect_sent: {
      // A SUBSCRIBE whose connection ended before its SUBACK was never granted.
      ClientState& state = clients_[event.client];
      for (auto& [filter, attempt] : state.subscribes) {
        ++tallies_[attempt.kind].refused;
        ++counts_.checked;
        ++counts_.ok;
      }
      state.subscribes.clear();
      return;
    }
    default:
      return;
  }
}

void AuthorizationChecker::on_connack(const Event& event, const history::History& history) {
  ClientState& state = clients_[event.client];
  const std::string& client = history.client_name(event.client);
  if (state.connect) {
    Attempt attempt = std::move(*state.connect);
    state.connect.reset();
    AttemptTally& tally = tallies_[attempt.kind];
    if (!authenticates_) {
      // Without `identity:` a client is who its client id says: the broker cannot refuse.
      ++tally.indeterminate;
      ++counts_.indeterminate;
      return;
    }
    ++counts_.checked;
    if (event.code != 0) {
      ++tally.refused;
      ++counts_.ok;
      return;
    }
    ++tally.allowed;
    std::string policy_says;
    if (attempt.kind == "connect_spoofed_id") {
      policy::Decision decision =
          authorizer_.decide(client, policy::Action::connect, attempt.target);
      if (decision.allowed) {  // the scenario's policy lets it use that id: legitimate
        --tally.allowed;
        ++tally.refused;
        ++counts_.ok;
        return;
      }
      policy_says = "denies: " + decision.reason;
    } else {
      policy_says = "has no principal: the credential (" + attempt.kind + ") does not authenticate";
    }
    report(client, "iot:Connect as " + attempt.target + " (" + attempt.kind + ")", policy_says,
           "accepted the CONNECT (CONNACK 0)", attempt.target, kConnackSpec,
           {&attempt.event, &event}, history);
    return;
  }
  if (!is_auth_refusal(event.code)) return;
  // A legitimate device refused on identity grounds: the broker refuses too much, unless the
  // policy itself denies this client its own id.
  ++counts_.checked;
  policy::Decision decision = authorizer_.decide(client, policy::Action::connect, client);
  if (!decision.allowed) {
    ++counts_.ok;
    return;
  }
  report(client, "iot:Connect as " + client, "allows: " + decision.reason,
         "refused the CONNECT (code " + std::to_string(event.code) + ")", client, kConnackSpec,
         {&event}, history);
}

void AuthorizationChecker::on_suback(const Event& event, const history::History& history) {
  ClientState& state = clients_[event.client];
  const std::string& client = history.client_name(event.client);
  const std::string& filter = history.string(event.topic);
  std::optional<Attempt> attempt;
  if (auto it = state.subscribes.find(filter); it != state.subscribes.end()) {
    attempt = std::move(it->second);
    state.subscribes.erase(it);
  }
  const bool refused = event.qos >= 0x80;
  ++counts_.checked;
  policy::Decision decision = authorizer_.decide(client, policy::Action::subscribe, filter);
  if (attempt) (refused ? tallies_[attempt->kind].refused : tallies_[attempt->kind].allowed)++;
  if (!decision.allowed && !refused) {
    std::vector<const Event*> excerpt;
    if (attempt) excerpt.push_back(&attempt->event);
    excerpt.push_back(&event);
    report(
        client,
        "iot:Subscribe '" + filter + "'" + (attempt ? " (" + attempt->kind + ")" : std::string()),
        "denies: " + decision.reason, "granted it (SUBACK QoS " + std::to_string(event.qos) + ")",
        filter, kSubackSpec, excerpt, history);
    return;
  }
  if (decision.allowed && refused && !attempt && mqtt::is_valid_topic_filter(filter)) {
    report(client, "iot:Subscribe '" + filter + "'", "allows: " + decision.reason,
           "refused it (SUBACK " + std::to_string(event.code) + ")", filter, kSubackSpec, {&event},
           history);
    return;
  }
  ++counts_.ok;
}

void AuthorizationChecker::on_publish(const Event& event, const history::History& history) {
  ClientState& state = clients_[event.client];
  const std::string& client = history.client_name(event.client);
  const std::string& topic = history.string(event.topic);
  std::optional<Attempt> attempt;
  if (state.pending && starts_with(state.pending->kind, "publish_") &&
      state.pending->target == topic) {
    attempt = std::move(state.pending);
    state.pending.reset();
  }
  policy::Decision decision = authorizer_.decide(client, policy::Action::publish, topic);
  if (decision.allowed) {
    // A permitted publish's delivery is the QoS checkers' to judge; an attempt the policy
    // happens to allow is no break-out.
    if (attempt) ++tallies_[attempt->kind].refused;
    return;
  }
  denied_publishes_[{event.msg.publisher, event.msg.seq}] =
      DeniedPublish{std::move(attempt), decision.reason, event, false};
}

void AuthorizationChecker::on_delivered(const Event& event, const history::History& history) {
  auto it = denied_publishes_.find({event.msg.publisher, event.msg.seq});
  if (event.msg.seq == 0 || it == denied_publishes_.end()) return;
  DeniedPublish& denied = it->second;
  if (denied.delivered) return;  // one violation per message, at its first receiver
  denied.delivered = true;
  const std::string& publisher = history.client_name(event.msg.publisher);
  std::vector<const Event*> excerpt;
  if (denied.attempt) excerpt.push_back(&denied.attempt->event);
  excerpt.push_back(&denied.event);
  excerpt.push_back(&event);
  report(publisher,
         "iot:Publish '" + history.string(event.topic) + "'" +
             (denied.attempt ? " (" + denied.attempt->kind + ")" : std::string()),
         "denies: " + denied.reason,
         "delivered it to " + history.client_name(event.client) + " (" +
             describe_message(event.msg, history) + ")",
         history.string(event.topic), kPublishSpec, excerpt, history);
}

void AuthorizationChecker::report(const std::string& client, const std::string& operation,
                                  const std::string& policy_says, const std::string& broker_did,
                                  const std::string& topic, const char* spec,
                                  const std::vector<const Event*>& excerpt,
                                  const history::History& history) {
  ++counts_.unexpected;
  Violation v;
  v.invariant = client + ": " + operation + ": policy " + policy_says + "; broker " + broker_did;
  v.spec = spec;
  v.clients.push_back(client);
  v.topic = topic;
  if (log_.wants_detail())
    for (const Event* e : excerpt) v.excerpt.push_back(describe_event(*e, history));
  log_.add(std::move(v));
}

Verdict AuthorizationChecker::finish(const CheckContext&) {
  // A denied publish no subscriber ever received was refused (dropped, or its connection
  // closed: either is the broker's legal answer, BrokerConfig::close_on_denied_publish).
  for (auto& [id, denied] : denied_publishes_) {
    ++counts_.checked;
    if (denied.delivered) {
      if (denied.attempt) ++tallies_[denied.attempt->kind].allowed;
      continue;
    }
    ++counts_.ok;
    if (denied.attempt) ++tallies_[denied.attempt->kind].refused;
  }
  denied_publishes_.clear();
  return log_.verdict(name(), counts_);
}

}  // namespace mqttbed::check
