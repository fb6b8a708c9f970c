// Sessions: CONNACK's session-present flag is right, and a persistent session keeps its
// subscriptions and the QoS >= 1 messages queued while its client was away.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/check/broker_notice.h"
#include "sim/check/checker.h"
#include "sim/check/client_sessions.h"
#include "sim/check/fault_state.h"
#include "sim/check/violation_log.h"
#include "sim/history/client_recorder.h"

namespace mqttbed::check {

// session_present must be 0 after a clean CONNECT (MQTT-3.2.2-1) and on a refusal
// (MQTT-3.2.2-4); for a persistent CONNECT it must say whether the broker holds the session:
// 1 when the client's last accepted connection was persistent (v3.1.1 sessions do not
// expire), 0 when it never had one or its last one was clean (MQTT-3.2.2-2, MQTT-3.2.2-3).
// With MQTT 5 expiry intervals recorded, a session ended by expiry 0 is gone, and one whose
// interval elapsed since its connection ended is gone. The broker starts the interval when it
// notices the end, up to 1.5 x the connection's recorded keepalive later (MQTT-3.1.2-24,
// broker_notice.h): a reconnect inside that slack is indeterminate, and with keepalive 0
// (no bound) any reconnect after the interval is.
// After a CONNECT that got no CONNACK the broker's state is unknown and the next flag is not
// judged. Across a broker crash the scenario's declared promise decides
// (CheckContext::broker_persistence): with persistence the session must still be there
// (MQTT-3.2.2-2) and its queued messages still arrive; without it both are indeterminate. So
// the flags that follow a crash are judged at finish, when the promise is known. Queued
// messages: a QoS >= 1 publish, acknowledged, matching a subscription of a persistent session
// whose client was offline, reaches it after it reconnects with session present, if it stays
// alive to the end (MQTT-3.1.2-5).
class SessionsChecker : public Checker {
 public:
  // `sessions`: shared with the other checkers (see QosChecker).
  explicit SessionsChecker(
      std::shared_ptr<ClientSessions> sessions = std::make_shared<ClientSessions>())
      : sessions_(std::move(sessions)) {}
  const char* name() const override { return "sessions"; }
  void observe(const history::Event& event, const history::History& history) override;
  Verdict finish(const CheckContext& context) override;

 private:
  enum class Held : std::uint8_t { none, held, unknown };
  struct Client {
    Held held = Held::none;
    history::ConnectMode pending;                // of the last CONNECT sent
    std::optional<std::uint32_t> held_expiry_s;  // of the held session (MQTT 5)
    std::uint16_t held_keepalive_s = 0;          // of the connection that held it
    std::int64_t ended_ns = 0;                   // when its last connection ended
    bool connected = false;
    bool crash_since_held = false;  // a broker crash since the held session began
    history::Event connect;
  };
  // A persistent CONNECT after a crash, answered without the session it held before: right
  // only if the broker did not promise persistence (known at finish).
  struct AfterCrash {
    history::Event connect;
    history::Event connack;
  };
  Held expected_at_connect(const Client& client) const;
  struct Queued {
    history::Event publish;
    bool acked = false;
    std::vector<SubscriberMark> owed;
  };

  void on_connack(const history::Event& event, const history::History& history);
  void on_publish(const history::Event& event, const history::History& history);
  void on_delivered(const history::Event& event);
  void report_flag(const char* invariant, const char* spec, const Client& client,
                   const history::Event& connack, const history::History& history);

  const history::History* history_ = nullptr;
  std::shared_ptr<ClientSessions> sessions_;  // shared with the other checkers (make_checkers)
  FaultState faults_;
  std::vector<Client> clients_;
  std::unordered_map<std::uint64_t, Queued> queued_;  // by pair_key(publisher, seq)
  std::vector<AfterCrash> after_crash_;
  Counts counts_;
  ViolationLog log_;
};

}  // namespace mqttbed::check
