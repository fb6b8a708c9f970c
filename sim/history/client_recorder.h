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

#include "sim/history/event.h"
#include "sim/history/history.h"

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
  std::optional<std::uint32_t> session_expiry_s;  // MQTT 5 only
  // Does the session end when this connection closes? v3.1.1: iff clean (MQTT-3.1.2-6);
  // MQTT 5: iff the expiry interval is 0 (MQTT 5 §3.1.2.11.2).
  bool ends_with_connection() const { return session_expiry_s ? *session_expiry_s == 0 : clean; }
};
ConnectMode connect_mode(const std::string& detail);

// The Keep Alive a connect_sent records when its caller does not say (Paho's default).
inline constexpr std::uint16_t kDefaultKeepaliveS = 60;

class ClientRecorder {
 public:
  ClientRecorder(History& history, const std::string& client_name,
                 std::function<std::int64_t()> now_ns);

  const std::string& client_name() const { return name_; }
  // The protocol level connect_sent records from now on (4: MQTT 3.1.1, 5: MQTT 5).
  void set_protocol_level(int level) { protocol_level_ = level; }

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
                           std::uint16_t keepalive_s = kDefaultKeepaliveS);
  // `reason` is the packet's Reason String property (MQTT 5), empty when none came.
  void connack(bool session_present, int return_code, const std::string& reason = {});
  void connect_failed(int return_code);

  void subscribe_sent(const std::string& filter, int qos);
  // `code`: the granted QoS or failure code (3.1.1: 0x80; v5: a reason code of 0x80 or more).
  void suback(const std::string& filter, int code, const std::string& reason = {});
  void unsubscribe_sent(const std::string& filter);
  void unsuback(const std::string& filter, int code = 0, const std::string& reason = {});

  // The application handed a message to the client: assigns the next seq of this publisher
  // (never reused, across reconnects and clients) and returns the payload to send. Call once
  // per application publish; a resend of the same PUBLISH is not a new event. An empty
  // retained payload is returned empty (it must reach the broker zero-length, MQTT-3.3.1-10).
  // `expiry_s`: the MQTT 5 Message Expiry Interval it is sent with (0 = none).
  EnvelopedPublish publish_sent(const std::string& topic, int qos, bool retain,
                                std::string_view payload, std::uint32_t expiry_s = 0);
  // PUBACK (QoS 1) or PUBCOMP (QoS 2), with its reason code (v5; 0 in 3.1.1).
  void publish_acked(std::uint64_t seq, int code = 0, const std::string& reason = {});
  void pubrec(std::uint64_t seq, int code = 0, const std::string& reason = {});  // QoS 2

  // A PUBLISH arrived: records it and returns the application payload (envelope stripped;
  // a foreign payload is returned as-is and recorded with an unknown identity).
  // `expiry_s`: the Message Expiry Interval the PUBLISH carried (0 = none).
  std::string delivered(const std::string& topic, int qos, bool retain, bool dup,
                        std::string_view payload, std::uint32_t expiry_s = 0);

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
  std::uint32_t connect_detail(bool clean_session, std::optional<std::uint32_t> expiry_s);
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
  std::unordered_map<std::uint64_t, InFlight> in_flight_;  // QoS >= 1 publishes not yet done
};

}  // namespace mqttbed::history
