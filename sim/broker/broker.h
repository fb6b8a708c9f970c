// The built-in MQTT broker model: a transport-agnostic state machine over the semantics
// core. It takes packets per connection and answers through BrokerOutput; the simulation
// carries those packets over SimGrid. It never sees SimGrid.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/mqtt/packet.h"
#include "sim/policy/policy.h"

namespace mqttbed::broker {

// One network connection; the host never reuses an id (the broker ignores late packets
// on connections it has ended).
using ConnectionId = std::uint64_t;
using Duration = std::chrono::nanoseconds;

// Test-only misbehaviours, one at a time, to prove each checker can fail.
enum class Mutation {
  none,
  drop_offline_qos1,           // drop QoS 1 messages queued for an offline session
  duplicate_qos2,              // deliver QoS 2 messages twice (second without DUP)
  reorder,                     // swap consecutive messages of a publisher to a subscriber
  will_after_disconnect,       // publish the will even after a clean DISCONNECT
  skip_will,                   // never publish wills
  forget_retained_on_restart,  // lose retained messages across a restart despite persistence
  forget_sessions_on_restart,  // lose sessions and their queues across a restart despite it
  leak_across_accounts,        // also deliver to a subscriber of another account
  drop_acks,                   // answer no PUBLISH (PUBACK, PUBREC) and no SUBSCRIBE (SUBACK)
  refuse_subscriptions,        // SUBACK 0x80 for every filter, those the policy permits too
  deliver_after_unsubscribe,   // UNSUBACK sent, but the filter keeps routing to the session
  upgrade_qos,                 // deliver at the granted QoS even above the publish QoS
  retain_on_forward,           // keep RETAIN=1 on live forwards to established subscriptions
  never_time_out,              // never end a silent connection (no keepalive expiry)
  no_takeover,                 // a second CONNECT leaves the first to its keepalive expiry
  ignore_payload_limit,        // accept and deliver payloads over payload_limit_bytes
  corrupt_large_payloads,      // flip one application byte of every payload >= 4 KiB
  invalid_reason_code,         // v5: PUBACK with reason code 0x03, which no PUBACK may carry
  ignore_message_expiry,       // v5: deliver expired messages, with the interval as received
  dollar_matches_wildcards,    // '$' topics also match filters starting with '+' or '#'
  ignore_no_local,             // v5: a No Local subscription gets its own client's messages
  drop_subscription_ids,       // v5: deliveries carry no Subscription Identifier
  ignore_retain_handling,      // v5: retained messages replayed whatever Retain Handling says
  ignore_retain_as_published,  // v5: forwards have RETAIN=0 even with Retain As Published
  ignore_receive_maximum,      // v5: more QoS 1/2 PUBLISHes in flight than the client's maximum
  ignore_will_delay,           // v5: publish a will at once, whatever its Will Delay Interval
  share_to_all,                // v5: a shared subscription's message goes to every member
  drop_correlation_data,       // v5: forward PUBLISHes without their Correlation Data
  reorder_user_properties,     // v5: forward User Properties in reverse order
  authorizer_off,              // every CONNECT, PUBLISH and SUBSCRIBE allowed (no authorizer)
  ignore_token_expiry,         // a token past its exp still authenticates
  ignore_revocation,           // a revoked certificate still authenticates (CRL not read)
  wildcard_leak,  // a filter with + or # is granted unchecked, so matches across accounts
};

Mutation parse_mutation(const std::string& name);  // throws std::invalid_argument
const char* to_string(Mutation mutation);
std::vector<std::string> mutation_names();  // every mutation but none

// The custom authorizer's answer to a CONNECT's credentials (issue 13).
enum class ConnectAnswer { accepted, bad_credentials, not_authorized };

struct BrokerConfig {
  mqtt::Version version = mqtt::Version::v311;
  int max_inflight = 20;    // per session, QoS 1+2 messages awaiting ack
  int max_queued = 1000;    // per session, messages queued beyond the inflight window
  bool persistence = true;  // sessions and retained messages survive crash()
  std::int64_t payload_limit_bytes = 128 * 1024;
  bool qos2 = true;  // false: grant at most QoS 1
  // AWS IoT Core: a QoS 2 PUBLISH gets no PUBREC and is not routed; a SUBSCRIBE asking QoS 2
  // gets no SUBACK and subscribes nothing.
  bool qos2_unanswered = false;
  // > 0: each delivery is held a uniform [0, reorder_window] before it is queued, drawn from
  // a generator seeded with reorder_seed, so deliveries overtake each other (deterministic).
  Duration reorder_window{0};
  std::uint64_t reorder_seed = 0;
  Mutation mutation = Mutation::none;
  // Authorization (security::Authorizer in a run): may `client_id` do `action` on `name` (the
  // topic of iot:Publish/Receive, the filter of iot:Subscribe)? Unset = everything allowed.
  std::function<bool(const std::string& client_id, policy::Action action, const std::string& name)>
      authorize;
  // Authentication on CONNECT, before any takeover (a refused CONNECT must not cut off the
  // id's owner). Unset = everyone is who they say. Refusals answer CONNACK 4/5 (3.1.1
  // §3.2.2.3) or 0x86/0x87 (5 §3.2.2.2), then close (MQTT-3.2.2-5).
  std::function<ConnectAnswer(const mqtt::Packet& connect, Duration now)> authenticate;
  // A 3.1.1 PUBLISH the authorizer denies: false acknowledges it and delivers it nowhere
  // (mosquitto), true closes the connection (AWS IoT). 3.1.1 has no way to say no.
  bool close_on_denied_publish = false;
};

// How the broker reaches the world: time, timers, and the connections' write side.
class BrokerHost {
 public:
  virtual ~BrokerHost() = default;
  virtual Duration now() const = 0;
  virtual void schedule(Duration delay, std::function<void()> callback) = 0;
  virtual void send(ConnectionId connection, mqtt::Packet packet) = 0;
  // The broker closes the connection (keepalive expiry, protocol error, session takeover).
  virtual void close(ConnectionId connection) = 0;
};

// Counters the metrics read (observer side; the broker does not know a report exists).
struct BrokerStats {
  std::uint64_t publishes_in = 0;
  std::uint64_t deliveries_out = 0;
  std::uint64_t dropped_queue_full = 0;     // max_queued reached
  std::uint64_t dropped_payload_limit = 0;  // payload over the limit
  std::uint64_t denied = 0;                 // authorization refused
  std::uint64_t wills_published = 0;
  std::uint64_t keepalive_expiries = 0;
  std::uint64_t queued_now = 0;  // messages queued across sessions right now
  std::uint64_t sessions = 0;
  std::uint64_t connections = 0;
};

class Broker {
 public:
  Broker(BrokerConfig config, BrokerHost& host);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // A packet arrived on `connection` (the first must be CONNECT).
  void on_packet(ConnectionId connection, const mqtt::Packet& packet);
  // The transport saw the connection end without DISCONNECT (reset, broken): fire the will.
  void on_connection_lost(ConnectionId connection);

  // Crash: every connection is dropped without wills; state survives only with persistence.
  void crash();
  // Back up after a crash: accepts connections again.
  void restart();
  bool is_up() const;

  const BrokerStats& stats() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace mqttbed::broker
