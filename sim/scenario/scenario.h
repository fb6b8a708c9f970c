// The scenario as plain typed structs: what the loader produces from YAML, and the only
// form the rest of mqttbed sees. Durations are std::chrono, sizes are bytes, rates bit/s.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sim/policy/policy.h"

namespace mqttbed::scenario {

using Duration = std::chrono::nanoseconds;

// Where a value came from, so later stages can still point at the YAML.
struct SourceMark {
  int line = 0;    // 1-based; 0 = not from a file
  int column = 0;  // 1-based
};

// One per-packet latency distribution of a link class; `jitter` is added uniformly in
// [0, jitter] on top of the sample.
struct LatencyDist {
  enum class Kind { constant, uniform, normal, lognormal, pareto };
  Kind kind = Kind::constant;
  Duration value{0};   // constant
  Duration min{0};     // uniform
  Duration max{0};     // uniform
  Duration mean{0};    // normal
  Duration stddev{0};  // normal
  Duration median{0};  // lognormal
  double sigma = 0;    // lognormal (of the underlying normal)
  Duration scale{0};   // pareto: minimum value x_m
  double shape = 0;    // pareto: alpha > 0
  Duration jitter{0};
};

// A class of link (lan, uplink, cloud): every link built from it shares these settings.
struct LinkClass {
  std::string name;
  LatencyDist latency;
  double bandwidth_bps = 0;  // bits per second
  double loss = 0;           // probability a TCP segment is lost, 0..1
  SourceMark mark;
};

struct Network {
  // Always holds "lan", "uplink" and "cloud" after loading (the topology's three tiers).
  std::map<std::string, LinkClass> links;
  // TCP as MQTT sees it: retransmission timeout and when a connection is declared broken.
  Duration tcp_rto_initial{std::chrono::milliseconds(200)};
  int tcp_max_retransmissions = 6;  // consecutive losses of one segment before a broken connection
};

// A parameter value of a device kind, already typed by the kind's ParamSpec.
using ParamValue = std::variant<bool, std::int64_t, double, std::string, Duration>;

enum class ParamType { boolean, integer, number, string, duration, size_bytes, qos, fraction };

// What one parameter of a device kind accepts; device kinds publish these through the
// registry and the loader validates `params:` against them.
struct ParamSpec {
  std::string name;
  ParamType type = ParamType::integer;
  ParamValue default_value;
  std::string help;
  double min = 0;  // inclusive bound for integer/number/size/duration (in ns); ignored if min>max
  double max = -1;
  // A size_bytes that is the size of one MQTT payload on the wire: the loader refuses a value
  // over the broker's payload_limit (a kind that splits larger data bounds its chunk size so).
  bool one_payload = false;
};

// Every parameter of a group, defaults filled in, typed as its spec says.
class Params {
 public:
  void set(const std::string& name, ParamValue value) { values_[name] = std::move(value); }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  bool get_bool(const std::string& name) const { return std::get<bool>(values_.at(name)); }
  std::int64_t get_int(const std::string& name) const {
    return std::get<std::int64_t>(values_.at(name));
  }
  double get_number(const std::string& name) const { return std::get<double>(values_.at(name)); }
  const std::string& get_string(const std::string& name) const {
    return std::get<std::string>(values_.at(name));
  }
  Duration get_duration(const std::string& name) const {
    return std::get<Duration>(values_.at(name));
  }
  const std::map<std::string, ParamValue>& all() const { return values_; }

 private:
  std::map<std::string, ParamValue> values_;
};

struct DeviceGroup {
  std::string kind;
  int count = 0;
  Params params;
  SourceMark mark;
};

struct Fleet {
  int homes = 0;
  int homes_per_account = 1;
  std::vector<DeviceGroup> per_home;  // repeated in every home
  // Cloud-side or per-account clients (apps). count is per account.
  std::vector<DeviceGroup> per_account;
};

// What a fault acts on. Exactly one of the selectors is set.
struct Target {
  enum class Kind { all, device_kind, homes, names, isp, broker };
  Kind kind = Kind::all;
  std::string device_kind;  // Kind::device_kind: "kind=sensor"
  int home_begin = 0;       // Kind::homes: "homes[a:b]", half-open [a, b)
  int home_end = 0;
  std::vector<std::string> names;  // Kind::names: "name=acct0-home0-light1,acct3-app0"
  std::string text;                // as written, for messages
};

struct Fault {
  enum class Kind { disconnect, partition, latency_spike, loss_burst, broker_crash, device_reboot };
  Kind kind = Kind::disconnect;
  // Optional, unique among the faults: names the fault's random stream (else its content
  // does; see faults::fault_stream_keys), so reordering or inserting faults changes nothing.
  std::string name;
  Target target;
  // Scheduled: at (+ optional for); random: mtbf + mttr per targeted device/home.
  std::optional<Duration> at;
  std::optional<Duration> duration;  // "for"
  std::optional<Duration> mtbf;
  std::optional<Duration> mttr;
  bool graceful = false;      // disconnect: send DISCONNECT first
  Duration extra_latency{0};  // latency_spike
  double loss = 0;            // loss_burst: segment loss probability
  Duration downtime{0};       // broker_crash, scheduled (a random crash lasts ~mttr)
  SourceMark mark;
};

enum class MqttVersion { v311, v5 };

struct MqttSettings {
  MqttVersion version = MqttVersion::v311;
  Duration keepalive{std::chrono::seconds(30)};
  bool persistent_sessions = true;                 // clean_session = !persistent_sessions
  Duration session_expiry{std::chrono::hours(1)};  // v5 only; v3.1.1 sessions never expire
  Duration reconnect_min{std::chrono::seconds(1)};
  Duration reconnect_max{std::chrono::seconds(60)};
  // MQTT 5 (`subscription_options:`): the options every device subscribes with (§3.8.3.1),
  // and whether each filter gets a Subscription Identifier of its own (§3.8.2.1.2).
  bool no_local = false;
  bool retain_as_published = false;
  int retain_handling = 0;
  bool subscription_ids = false;
  // MQTT 5 Receive Maximum the devices announce (0 = none, i.e. 65535), and (simulation) how
  // long they take to acknowledge a QoS 1/2 PUBLISH they receive.
  int receive_maximum = 0;
  Duration ack_delay{0};
};

// What the broker promises and how the model behaves: a profile's preset (`profile:`), any
// field overridden by the scenario. Checkers judge what these declare, never more.
struct BrokerSettings {
  std::string profile = "mosquitto";  // the preset the fields started from
  int max_inflight = 20;
  int max_queued = 1000;
  bool persistence = true;  // sessions and retained survive a crash
  std::int64_t payload_limit_bytes = 128 * 1024;
  bool qos2 = true;  // false: grants at most QoS 1
  // QoS 2 requests get no answer at all: no PUBREC for a QoS 2 PUBLISH, no SUBACK for a
  // SUBSCRIBE asking QoS 2 (AWS IoT Core). Implies qos2 = false; devices may not use QoS 2.
  bool qos2_unanswered = false;
  // The broker promises per-publisher, per-topic order (MQTT-4.6.0-6). false: no promise,
  // and the ordering checker says so instead of judging.
  bool ordering = true;
  // The model holds each delivery a seeded uniform [0, reorder_window] before queueing it,
  // so deliveries overtake each other (only with ordering = false).
  Duration reorder_window{0};
  // A 3.1.1 PUBLISH the policy denies (3.1.1 has no way to refuse one): `drop` acknowledges
  // it and delivers it nowhere (mosquitto), `disconnect` closes the connection (AWS IoT).
  bool close_on_denied_publish = false;
};

// The names `broker: {profile: ...}` accepts, and the preset each starts from.
const std::vector<std::string>& broker_profile_names();
// nullopt for an unknown name.
std::optional<BrokerSettings> broker_profile(const std::string& name);

// How clients prove who they are (the talk's scheme, docs/security.md): home devices hold
// X.509 certificates from the scenario CA, apps hold ES256 JWTs. Lifetimes and skew are
// virtual time.
struct IdentitySettings {
  bool enabled = false;  // `identity:` written: devices authenticate
  std::string partner_id = "xfinity";
  Duration certificate_lifetime{std::chrono::hours(24 * 365)};
  Duration token_lifetime{std::chrono::hours(1)};
  Duration token_refresh_before{std::chrono::minutes(5)};  // apps refresh this long before exp
  Duration clock_skew{std::chrono::seconds(30)};           // tolerated on exp, nbf and validity
  SourceMark mark;
};

struct Expectation {
  std::string metric;  // e.g. "latency.qos1.p99"
  enum class Op { lt, le, gt, ge, eq } op = Op::lt;
  double value = 0;  // base units: seconds for durations, bytes for sizes, plain otherwise
  std::string text;  // as written
  SourceMark mark;
};

struct Scenario {
  std::string file;
  std::string name;
  std::uint64_t seed = 0;
  Duration duration{std::chrono::minutes(1)};
  Duration settle{std::chrono::seconds(30)};
  MqttSettings mqtt;
  BrokerSettings broker;
  Network network;
  Fleet fleet;
  std::vector<Fault> faults;
  IdentitySettings identity;
  // `policy:` as written; absent means policy::default_policy over the fleet's kinds.
  std::optional<policy::Policy> policy;
  std::vector<std::string> checks;  // names from the check catalog (sim/check/check_catalog.h)
  std::vector<Expectation> expect;
};

const char* to_string(Fault::Kind kind);

}  // namespace mqttbed::scenario
