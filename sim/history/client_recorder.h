// What a runtime MQTT client (simulated or live Paho) calls at each observable step: turns
// the step into a history Event stamped with the current time, and wraps/unwraps payloads in
// the identity envelope. One recorder per client; the History is shared by all of them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/history/event.h"
#include "sim/history/history.h"
#include "sim/mqtt/properties.h"

namespace mqttbed::history {

// A publish as the runtime must send it: its identity and the enveloped payload.
struct EnvelopedPublish {
  std::uint64_t seq = 0;
  std::string payload;
};

// How a connect_sent event's detail ("clean", "persistent", "persistent expiry=3600") says
// the session was asked for.
struct ConnectMode {
  bool clean = true;
  std::uint16_t receive_maximum = 0;              // MQTT 5 Receive Maximum sent, 0 = none (65535)
  bool records_acks = false;                      // the client records ack_sent events
  std::optional<std::uint32_t> session_expiry_s;  // MQTT 5 only
  std::uint32_t will_delay_s = 0;                 // MQTT 5 Will Delay Interval (" will_delay=")
  // Does the session end when this connection closes? v3.1.1: iff clean (MQTT-3.1.2-6);
  // MQTT 5: iff the expiry interval is 0 (MQTT 5 §3.1.2.11.2).
  bool ends_with_connection() const { return session_expiry_s ? *session_expiry_s == 0 : clean; }
};
ConnectMode connect_mode(const std::string& detail);

// A delivered event's Subscription Identifiers as recorded in Event::sub_ids ("1,7").
std::string join_ids(std::vector<std::uint32_t> ids);
std::vector<std::uint32_t> split_ids(const std::string& text);

// The Keep Alive a connect_sent records when its caller does not say (Paho's default).
inline constexpr std::uint16_t kDefaultKeepaliveS = 60;

class ClientRecorder {
 public:
  ClientRecorder(History& history, const std::string& client_name,
                 std::function<std::int64_t()> now_ns);

  const std::string& client_name() const { return name_; }
  // The protocol level connect_sent records from now on (4: MQTT 3.1.1, 5: MQTT 5).
  void set_protocol_level(int level) { protocol_level_ = level; }
  // What connect_sent records from now on about MQTT 5 flow control, in its detail: the
  // Receive Maximum sent (" receive_maximum=N"; 0 = none) and whether this client records an
  // ack_sent for every PUBLISH it acknowledges (" acks"; the simulated client does).
  void set_flow_control(std::uint16_t receive_maximum, bool records_acks) {
    receive_maximum_ = receive_maximum;
    records_acks_ = records_acks;
  }

  // CONNECT written without a will. `session_expiry_s` is MQTT 5's Session Expiry Interval
  // as sent (nullopt: v3.1.1, where a persistent session never expires and a clean one ends
  // with its connection); UINT32_MAX means never. Recorded in detail, see connect_mode().
  // `keepalive_s` is the CONNECT's Keep Alive as sent (0 = off): the checkers bound when the
  // broker notices a loss by it.
  void connect_sent(bool clean_session, std::optional<std::uint32_t> session_expiry_s = {},
                    std::uint16_t keepalive_s = kDefaultKeepaliveS);
  // CONNECT written with a will: assigns the will its identity (a seq of this publisher) and
  // returns the will payload to put in the CONNECT, enveloped.
  std::string connect_sent(bool clean_session, const std::string& will_topic, int will_qos,
                           bool will_retain, std::string_view will_payload,
                           std::optional<std::uint32_t> session_expiry_s = {},
                           std::uint16_t keepalive_s = kDefaultKeepaliveS,
                           std::uint32_t will_delay_s = 0);
  // `reason` is the packet's Reason String property (MQTT 5), empty when none came.
  void connack(bool session_present, int return_code, const std::string& reason = {});
  void connect_failed(int return_code);

  // `sub_options`/`sub_id`: the MQTT 5 Subscription Options byte (Event::sub_options) and
  // Subscription Identifier sent with it; the SUBACK answering it is recorded with them too.
  void subscribe_sent(const std::string& filter, int qos, std::uint8_t sub_options = 0,
                      std::uint32_t sub_id = 0);
  // `code`: the granted QoS or failure code (3.1.1: 0x80; v5: a reason code of 0x80 or more).
  void suback(const std::string& filter, int code, const std::string& reason = {});
  void unsubscribe_sent(const std::string& filter);
  void unsuback(const std::string& filter, int code = 0, const std::string& reason = {});

  // The application handed a message to the client: assigns the next seq of this publisher
  // (never reused, across reconnects and clients) and returns the payload to send. Call once
  // per application publish; a resend of the same PUBLISH is not a new event. An empty
  // retained payload is returned empty (it must reach the broker zero-length, MQTT-3.3.1-10).
  // `expiry_s`: the MQTT 5 Message Expiry Interval it is sent with (0 = none).
  // `properties`: its MQTT 5 Response Topic, Correlation Data and User Properties.
  EnvelopedPublish publish_sent(const std::string& topic, int qos, bool retain,
                                std::string_view payload, std::uint32_t expiry_s = 0,
                                const mqtt::ApplicationProperties& properties = {});
  // PUBACK (QoS 1) or PUBCOMP (QoS 2), with its reason code (v5; 0 in 3.1.1).
  void publish_acked(std::uint64_t seq, int code = 0, const std::string& reason = {});
  void pubrec(std::uint64_t seq, int code = 0, const std::string& reason = {});  // QoS 2

  // A PUBLISH arrived: records it and returns the application payload (envelope stripped;
  // a foreign payload is returned as-is and recorded with an unknown identity).
  // `expiry_s`: the Message Expiry Interval the PUBLISH carried (0 = none).
  // `sub_ids`: the Subscription Identifiers it carried (MQTT 5), in any order.
  std::string delivered(const std::string& topic, int qos, bool retain, bool dup,
                        std::string_view payload, std::uint32_t expiry_s = 0,
                        const std::vector<std::uint32_t>& sub_ids = {},
                        const mqtt::ApplicationProperties& properties = {});

  // The client wrote the PUBACK/PUBCOMP ending the flow of a PUBLISH it received (v5
  // simulation, see EventType::ack_sent); `payload` is the PUBLISH's, for its identity.
  void ack_sent(const std::string& topic, int qos, std::string_view payload);

  void disconnect_sent();
  // An intruder is about to try `kind` on `target` (EventType::attempt).
  void attempt(const std::string& kind, const std::string& target);
  // `server_code`: the reason code of the DISCONNECT the server sent first (v5), 0 if none;
  // its Reason String, if any, follows the reason in detail ("broker_closed: ...").
  void connection_lost(const std::string& reason, int server_code = 0,
                       const std::string& server_reason = {});
  // A fault began or ended; `target` is the affected client or "*", recorded as the client.
  // Checkers read `description` as "begin KIND TARGET" / "end KIND TARGET" (KIND as in
  // scenario::to_string(Fault::Kind), e.g. "begin broker_crash broker").
  void fault(const std::string& target, const std::string& description);

 private:
  struct InFlight {
    std::uint32_t topic = 0;
    std::uint8_t qos = 0;
  };

  Event make(EventType type) const;
  std::uint32_t connect_detail(bool clean_session, std::optional<std::uint32_t> expiry_s,
                               std::uint32_t will_delay_s = 0);
  std::uint32_t properties_id(const mqtt::ApplicationProperties& properties) {
    return properties.empty() ? 0 : history_.string_id(mqtt::encode(properties));
  }
  // Fills app_seq/app_total and, on "$aws/things/" topics, detail = the JSON payload.
  void describe_payload(const std::string& topic, std::string_view payload, Event& event);
  void append(const Event& event) { history_.append(event); }
  void record_ack(EventType type, std::uint64_t seq, bool done, int code,
                  const std::string& reason);
  std::uint32_t reason_id(const std::string& reason) {
    return reason.empty() ? 0 : history_.string_id(reason);
  }

  History& history_;
  std::string name_;
  std::uint32_t client_ = 0;
  std::function<std::int64_t()> now_ns_;
  int protocol_level_ = 4;
  std::uint16_t receive_maximum_ = 0;
  bool records_acks_ = false;
  std::unordered_map<std::uint64_t, InFlight> in_flight_;  // QoS >= 1 publishes not yet done
  // The options and identifier of each filter's last SUBSCRIBE, for its SUBACK (v5 only).
  std::unordered_map<std::uint32_t, std::pair<std::uint8_t, std::uint32_t>> subscribe_options_;
};

}  // namespace mqttbed::history
