// One client-side observable event of a run: what the checkers judge and what the
// --history dump writes. Nothing here knows how the broker is built.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mqttbed::history {

// Reason codes and reason strings (MQTT 5 §2.4, the Reason String property §3.x.2.2.x): the
// server's answer is recorded in `code` and its Reason String, when it sent one, in `detail`
// on connack, suback, unsuback, publish_acked and pubrec, and on connection_lost after a
// server DISCONNECT. 3.1.1 packets carry codes only on CONNACK and SUBACK.
enum class EventType : std::uint8_t {
  connect_sent,      // CONNECT written; detail = "clean" or "persistent"; keepalive_s; is_will
                     // = a will is set: topic/qos/retain are the will's, msg = its identity;
                     // code = the protocol level (5 for MQTT 5, 0 for 3.1.1)
  connack,           // CONNACK received; session_present, code = return / reason code
  connect_failed,    // attempt ended without CONNACK (refused, unreachable, timed out)
  subscribe_sent,    // topic = filter, qos = requested
  suback,            // topic = filter, qos = granted (128 = failure), code = the reason code
                     // as sent (v5: 0x80 and up are failures, e.g. 0x87 not authorized)
  unsubscribe_sent,  // topic = filter
  publish_sent,      // topic, qos, retain, msg = identity, bytes = payload size
  publish_acked,     // PUBACK (QoS 1) or PUBCOMP (QoS 2) received; msg = identity; code = its
                     // reason code (below 0x80: the message was accepted)
  pubrec,            // PUBREC received (QoS 2 first half); code = its reason code
  delivered,         // PUBLISH received; msg = identity, dup, retain, qos = delivered QoS
  disconnect_sent,   // DISCONNECT written (graceful end, will discarded)
  connection_lost,   // connection ended without our DISCONNECT; detail = reason; code = the
                     // reason code of the server's DISCONNECT (v5) when one came first, else 0
  fault,             // a fault began or ended (client = target or "*"); detail describes it
  unsuback,          // UNSUBACK received; topic = filter, code = its reason code (v5; 0 in 3.1.1)
  ack_sent,          // v5, simulation: the PUBACK (QoS 1) or PUBCOMP (QoS 2) ending a received
                     // PUBLISH's flow written; msg = its identity, topic, qos. Paho sends its
                     // acks itself: live runs record none (the flow_control check says so)
  attempt,           // an intruder's deliberate attempt, recorded just before the operation it
                     // names: detail = the attempt kind (docs/security.md, "Intruders"), topic
                     // = its target (filter, topic or client id); the next matching operation
                     // of this client is the attempt, every other operation is legitimate
};

// Who published a message and its per-publisher sequence number: the message's identity,
// carried in the payload envelope so it survives any broker. seq 0 = unknown (foreign).
struct MessageId {
  std::uint32_t publisher = 0;  // index into the history's client table
  std::uint64_t seq = 0;
  bool operator==(const MessageId&) const = default;
};

struct Event {
  std::int64_t time_ns = 0;  // virtual (simulation) or since start (live)
  EventType type = EventType::connect_sent;
  std::uint32_t client = 0;  // index into the history's client table
  std::uint32_t topic = 0;   // index into the history's string table (topic or filter)
  std::uint8_t qos = 0;
  bool retain = false;
  bool dup = false;
  bool session_present = false;
  bool is_will = false;  // delivered/connect_sent: the message is a last will
  // connect_sent: the CONNECT's Keep Alive in seconds (0 = off). It bounds when the broker
  // notices a silent connection: 1.5 x keepalive_s (MQTT-3.1.2-24).
  std::uint16_t keepalive_s = 0;
  int code = 0;
  MessageId msg;
  std::uint32_t bytes = 0;       // payload bytes as the application sees them
  std::uint32_t detail = 0;      // index into the string table: free text, or a shadow topic's
                                 // JSON payload; 0 = none
  std::uint8_t publish_qos = 0;  // delivered: the QoS the publisher sent with (from the
                                 // envelope); equals qos for other events
  // The talk's seq/total technique: a JSON payload's top-level numeric "seq" and "total"
  // (publish_sent and delivered). app_total == 0: the payload carries none.
  std::uint32_t app_seq = 0;
  std::uint32_t app_total = 0;
  // MQTT 5 Message Expiry Interval in seconds, 0 = none: as the publisher set it
  // (publish_sent) or as the server forwarded it, i.e. what was left (delivered).
  std::uint32_t expiry_s = 0;
  // MQTT 5 Subscription Options (subscribe_sent, and the suback answering it): bit 0 No
  // Local, bit 1 Retain As Published, bits 2-3 Retain Handling (as on the wire, §3.8.3.1).
  std::uint8_t sub_options = 0;
  // subscribe_sent/suback: the SUBSCRIBE's Subscription Identifier (0 = none); delivered: the
  // string id of the PUBLISH's identifiers, comma-separated ascending ("1,7"; 0 = none).
  std::uint32_t sub_ids = 0;
  // MQTT 5 Response Topic, Correlation Data and User Properties (mqtt::encode's text, a
  // string id; 0 = none): as the publisher sent them (publish_sent) or as the server
  // forwarded them (delivered).
  std::uint32_t properties = 0;
};

// Event::sub_options, field by field.
inline bool no_local(std::uint8_t sub_options) { return (sub_options & 1) != 0; }
inline bool retain_as_published(std::uint8_t sub_options) { return (sub_options & 2) != 0; }
inline int retain_handling(std::uint8_t sub_options) { return (sub_options >> 2) & 3; }

const char* to_string(EventType type);
// The inverse of to_string; false if `name` names no event type.
bool event_type_from_string(std::string_view name, EventType* type);

}  // namespace mqttbed::history
