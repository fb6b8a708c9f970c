// Last will: published if and only if the connection ended without DISCONNECT, to the
// subscribers of its topic, and never twice.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/client_sessions.h"
#include "sim/check/fault_state.h"
#include "sim/check/violation_log.h"

namespace mqttbed::check {

// Each CONNECT with a will gives the will its own identity, so every rule is per connection:
//  - a connection that ended with the client's DISCONNECT never has its will delivered
//    (MQTT-3.14.4-3), unless a fault was under way during it (the DISCONNECT may never have
//    reached the broker: indeterminate);
//  - a registered will (CONNACK 0) whose connection was lost is delivered by the end to every
//    subscriber that held a matching subscription when the loss was seen and stayed alive
//    (MQTT-3.1.2-8); a broker crash during the connection makes it indeterminate. The broker
//    publishes it when it notices the loss, up to 1.5 x the connection's recorded keepalive
//    after the client saw it (MQTT-3.1.2-24, broker_notice.h): only a loss noticed that way
//    before the settle window is judged; with keepalive 0 (no bound) none is;
//  - a will reaches a subscriber at most once: a second copy without DUP is a second
//    publication (MQTT-3.1.2-10);
//  - keepalive timing: an owed will delivered later than 1.5 x keepalive + max(2 s, 0.5 x
//    keepalive) after the client saw its connection end is a broker that noticed the silent
//    connection too late (MQTT-3.1.2-24), judged where the subscriber kept its connection and
//    no fault touched it or the broker meanwhile;
//  - takeover: once the client's next CONNECT is accepted (CONNACK 0), the broker has ended
//    the old connection (MQTT-3.1.4-2), so a will of a connection lost before it (a reboot
//    that left its connection half-open) is due by that CONNACK + kNoticeToleranceNs, if that
//    is earlier than the keepalive bound.
// MQTT 5 Will Delay Interval (§3.1.3.2.2): a will with a delay on a connection whose session
// outlives it waits w = min(delay, session expiry) after the broker ends the connection
// (MQTT-3.1.2-8), which is no earlier than the last packet the client received on it:
//  - a delivery before that packet + w - kNoticeToleranceNs is too early (MQTT-3.1.2-8);
//  - a reconnection to the session (Clean Start 0) whose CONNACK came before that packet +
//    w - kNoticeToleranceNs cancels the will: any delivery of it is a violation
//    (MQTT-3.1.3-9);
//  - the will is owed (due w later than without a delay) only if no reconnection came
//    before it was due; the takeover rule does not apply (the new connection cancels it).
class WillChecker : public Checker {
 public:
  // Allowed on top of a due time: the will's way to the subscriber (network latency). On top
  // of 1.5 x keepalive, at least 0.5 x keepalive: a broker's keepalive timer granularity
  // (mosquitto 2.0.11 published a will 17.7 s after the loss with keepalive 10 s, issue 12).
  static constexpr std::int64_t kNoticeToleranceNs = 2'000'000'000;
  // `sessions`: shared with the other checkers (see QosChecker).
  explicit WillChecker(
      std::shared_ptr<ClientSessions> sessions = std::make_shared<ClientSessions>())
      : sessions_(std::move(sessions)) {}
  const char* name() const override { return "will"; }
  void observe(const history::Event& event, const history::History& history) override;
  Verdict finish(const CheckContext& context) override;

 private:
  enum class Outcome : std::uint8_t { connecting, open, refused, unknown, disconnected, lost };
  struct Record {
    history::Event connect;  // connect_sent carrying the will
    history::Event end;      // disconnect_sent / connection_lost, when there was one
    Outcome outcome = Outcome::connecting;
    bool disturbed = false;  // a fault was under way during the connection
    std::vector<SubscriberMark> owed;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> deliveries;  // (subscriber, count)
    std::vector<std::uint32_t> early;  // subscribers that got it while the connection was open
    // CONNACK 0 of the client's next connection after this one was lost: by then the broker
    // has taken the client id over and ended this one (MQTT-3.1.4-2); -1 = none.
    std::int64_t taken_over_ns = -1;
    // v5: how long the broker holds the will after the connection ends (0 = not delayed),
    // the last packet the client received on the connection, and the CONNACK 0 of its next
    // connection with whether that one resumed the session (Clean Start 0).
    std::int64_t wait_ns = 0;
    std::int64_t last_heard_ns = 0;
    std::int64_t resumed_ns = -1;
    bool resumed_session = false;
  };
  // When the will of a lost connection must be out, and the rule that says so.
  struct Due {
    std::int64_t ns = 0;       // a missing will is judged from here
    std::int64_t late_ns = 0;  // a delivery after this is late (the tolerance added)
    const char* spec = "";
    const char* invariant = "";
  };
  std::optional<Due> due(const Record& record) const;

  void on_connection_event(const history::Event& event, const history::History& history);
  void on_delivered(const history::Event& event, const history::History& history);
  void close(Record& record, const history::Event& event, Outcome outcome,
             const history::History& history);
  void settle(const Record& record, const CheckContext& context);
  // The v5 Will Delay rule a delivery at `time_ns` breaks, or nullptr.
  const char* broken_delay(const Record& record, std::int64_t time_ns) const;
  // The rule a delivery of `record`'s will to `owed` broke by coming late, or nullptr.
  const Due* noticed_late(const Record& record, const SubscriberMark& owed,
                          const history::Event& delivery);
  void report(const char* invariant, const char* spec, const Record& record,
              std::uint32_t subscriber, const history::Event* delivery);

  const history::History* history_ = nullptr;
  std::shared_ptr<ClientSessions> sessions_;  // shared with the other checkers (make_checkers)
  FaultState faults_;
  std::unordered_map<std::uint64_t, Record> wills_;           // by pair_key(publisher, seq)
  std::unordered_map<std::uint32_t, std::uint64_t> current_;  // client -> its will's key
  std::unordered_map<std::uint32_t, std::uint64_t> lost_;     // client -> last lost will's key
  std::optional<Due> late_;                                   // noticed_late's answer
  Counts counts_;
  ViolationLog log_;
};

}  // namespace mqttbed::check
