#include "sim/check/reason_codes_checker.h"

#include <algorithm>
#include <initializer_list>

namespace mqttbed::check {

using history::Event;
using history::EventType;

namespace {

using Codes = std::initializer_list<int>;

// MQTT 5.0, the Reason Code tables of §3.2.2.2, §3.4.2.1, §3.5.2.1, §3.7.2.1, §3.9.3,
// §3.11.3 and §3.14.2.1 (server-sent codes).
constexpr Codes kConnackV5 = {0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
                              0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F};
constexpr Codes kPubackV5 = {0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99};
constexpr Codes kPubcompV5 = {0x00, 0x92};
constexpr Codes kSubackV5 = {0x00, 0x01, 0x02, 0x80, 0x83, 0x87,
                             0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2};
constexpr Codes kUnsubackV5 = {0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91};
constexpr Codes kServerDisconnectV5 = {0x00, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E,
                                       0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A,
                                       0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2};
// MQTT 3.1.1 §3.2.2.3 and §3.9.3.
constexpr Codes kConnack311 = {0, 1, 2, 3, 4, 5};
constexpr Codes kSuback311 = {0x00, 0x01, 0x02, 0x80};
constexpr Codes kNone = {0};  // 3.1.1 acks carry no code: the history records 0

bool listed(Codes codes, int code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

}  // namespace

void ReasonCodesChecker::observe(const Event& event, const history::History& history) {
  if (event.client >= v5_.size() && event.type != EventType::fault) v5_.resize(event.client + 1);
  switch (event.type) {
    case EventType::connect_sent:
      v5_[event.client] = event.code == 5;
      return;
    case EventType::fault:
      return;
    default:
      break;
  }
  const bool v5 = v5_[event.client];
  switch (event.type) {
    case EventType::connack:
      judge(listed(v5 ? kConnackV5 : kConnack311, event.code),
            "a CONNACK carries one of the CONNACK codes",
            v5 ? "MQTT-3.2.2-8" : "MQTT 3.1.1 §3.2.2.3", event, history);
      if (event.code != 0) {
        judge(!event.session_present, "a CONNACK refusing the connection has Session Present 0",
              v5 ? "MQTT-3.2.2-6" : "MQTT-3.2.2-4", event, history);
      }
      return;
    case EventType::publish_acked:
      if (event.qos == 2) {
        judge(listed(v5 ? kPubcompV5 : kNone, event.code),
              "a PUBCOMP carries one of the PUBCOMP reason codes", "MQTT-3.7.2-1", event, history);
      } else {
        judge(listed(v5 ? kPubackV5 : kNone, event.code),
              "a PUBACK carries one of the PUBACK reason codes", "MQTT-3.4.2-1", event, history);
      }
      return;
    case EventType::pubrec:
      judge(listed(v5 ? kPubackV5 : kNone, event.code),
            "a PUBREC carries one of the PUBREC reason codes", "MQTT-3.5.2-1", event, history);
      return;
    case EventType::suback:
      // qos holds the code as received (the recorder has always put it there).
      judge(listed(v5 ? kSubackV5 : kSuback311, event.qos),
            "a SUBACK carries one of the SUBACK reason codes", "MQTT-3.9.3-2", event, history);
      return;
    case EventType::unsuback:
      judge(listed(v5 ? kUnsubackV5 : kNone, event.code),
            "an UNSUBACK carries one of the UNSUBACK reason codes", "MQTT-3.11.3-2", event,
            history);
      return;
    case EventType::connection_lost:
      if (event.code == 0) return;  // no server DISCONNECT (or Normal disconnection)
      judge(v5 && listed(kServerDisconnectV5, event.code),
            "a server's DISCONNECT carries one of the DISCONNECT reason codes a server may send",
            "MQTT-3.14.2-1", event, history);
      return;
    default:
      return;
  }
}

void ReasonCodesChecker::judge(bool valid, const char* invariant, const char* spec,
                               const Event& event, const history::History& history) {
  ++counts_.checked;
  if (valid) {
    ++counts_.ok;
    return;
  }
  ++counts_.unexpected;
  Violation v{invariant, spec, {history.client_name(event.client)}, {}, {}, {}};
  if (event.topic != 0) v.topic = history.string(event.topic);
  if (event.msg.seq != 0) v.messages.push_back(describe_message(event.msg, history));
  if (log_.wants_detail()) v.excerpt.push_back(describe_event(event, history));
  log_.add(std::move(v));
}

Verdict ReasonCodesChecker::finish(const CheckContext&) { return log_.verdict(name(), counts_); }

}  // namespace mqttbed::check
