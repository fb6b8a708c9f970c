// Run metrics in virtual time: an observer of the history's events plus hooks the simulation
// feeds directly (broker samples, shadow convergence, command round trips, fault windows).
// Memory stays bounded for long, large runs: histograms and series are fixed-size and the
// publish→deliver matcher forgets publishes after a time-to-live.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/history/event.h"
#include "sim/history/history.h"
#include "sim/report/histogram.h"
#include "sim/report/time_series.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::report {

using Duration = std::chrono::nanoseconds;

struct MetricsOptions {
  Duration horizon{std::chrono::minutes(1)};       // planned run length (duration + settle)
  Duration publish_ttl{std::chrono::seconds(60)};  // how long a publish waits for deliveries
  std::size_t target_buckets = 720;                // time series buckets over the horizon
};

// horizon = duration + settle; publish_ttl = settle + the longest outage a fault can cause
// (so messages queued for a session offline during a fault still get their latency), >= 10 s.
MetricsOptions metrics_options_for(const scenario::Scenario& scenario);

// A fault's active period, as the runner scheduled it; end == start for instant faults.
struct FaultWindow {
  Duration start{0};
  Duration end{0};
  std::string kind;    // "disconnect", "partition", "broker_crash", ...
  std::string target;  // the target as written in the scenario
};

struct Counters {
  std::uint64_t published = 0;        // publish_sent
  std::uint64_t published_bytes = 0;  // payload bytes
  std::uint64_t acked = 0;            // publish_acked (PUBACK / PUBCOMP)
  std::uint64_t delivered = 0;        // delivered, every one (duplicates and retained too)
  std::uint64_t delivered_bytes = 0;
  std::uint64_t delivered_retained = 0;    // retained replays on subscribe (no latency)
  std::uint64_t delivered_duplicates = 0;  // DUP flag set (no latency)
  std::uint64_t delivered_unmatched = 0;   // no publish_sent known: foreign or older than the TTL
  std::uint64_t connects = 0;              // accepted CONNACKs
  std::uint64_t reconnects = 0;            // accepted CONNACKs of a client connected before
  std::uint64_t connect_failures = 0;
  std::uint64_t connections_lost = 0;
  std::uint64_t disconnects = 0;      // graceful DISCONNECTs sent
  std::uint64_t wills_delivered = 0;  // will deliveries, one per receiving subscriber
  std::uint64_t wills_fired = 0;      // distinct will messages delivered at least once
  std::int64_t connected_max = 0;
  std::uint64_t fault_events = 0;
};

// Totals from the broker samples; dropped/denied add up across broker restarts.
struct BrokerTotals {
  std::uint64_t samples = 0;
  std::uint64_t queued_max = 0;
  std::uint64_t connections_max = 0;
  std::uint64_t dropped_queue_full = 0;
  std::uint64_t dropped_payload_limit = 0;
  std::uint64_t denied = 0;
};

struct Series {
  CounterSeries published_messages;
  CounterSeries published_bytes;
  CounterSeries delivered_messages;
  CounterSeries delivered_bytes;
  GaugeSeries connected_clients;
  GaugeSeries broker_queued;
  GaugeSeries broker_connections;
  CounterSeries broker_dropped;  // queue full + payload limit, per bucket
  CounterSeries broker_denied;
};

class Metrics {
 public:
  // `history` names the clients (a publisher's kind comes from its client id); it must
  // outlive this object.
  Metrics(const history::History& history, MetricsOptions options);
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Registers on_event as an observer of `history`; this object must outlive its use.
  void attach(history::History& history);
  void on_event(const history::Event& event);

  void sample_broker(Duration now, std::uint64_t queued_now, std::uint64_t dropped_queue_full,
                     std::uint64_t dropped_payload_limit, std::uint64_t denied,
                     std::uint64_t connections);
  void record_shadow_convergence(Duration duration);
  void record_command_round_trip(Duration duration);
  void add_fault_window(FaultWindow window);

  const MetricsOptions& options() const { return options_; }
  const history::History& history() const { return history_; }
  const Counters& counters() const { return counters_; }
  const BrokerTotals& broker() const { return broker_; }
  const Series& series() const { return series_; }
  const Histogram& latency_all() const { return latency_all_; }
  const Histogram& latency_qos(int qos) const { return latency_qos_[qos < 0 || qos > 2 ? 0 : qos]; }
  // Keyed by publisher kind, sorted (deterministic report order).
  const std::map<std::string, Histogram>& latency_by_kind() const { return latency_by_kind_; }
  const Histogram& shadow_convergence() const { return shadow_convergence_; }
  const Histogram& command_round_trip() const { return command_round_trip_; }
  // Sorted by start, end, kind, target.
  std::vector<FaultWindow> fault_windows() const;
  // Latest event or sample time seen; series cover max(horizon, this).
  Duration last_time() const { return Duration(last_time_ns_); }
  // Publishes still waiting for deliveries (bounded by the TTL).
  std::size_t outstanding_publishes() const { return outstanding_.size(); }

  // The kind part of a client id: "acct3-home3-light0" → "light", "cloud-shadow" → "shadow".
  static std::string kind_of(const std::string& client_id);
  // The home index H of "acct{A}-home{H}-{kind}{i}"; -1 for any other id (per-account clients).
  static int home_of(const std::string& client_id);

  // Per-home connection state over time, for the report's fleet view. Homes with an index at
  // or above kMaxHomes are left out (counted in homes_omitted).
  static constexpr int kMaxHomes = 10000;
  struct HomeSeries {
    std::int64_t step_ns = 0;
    std::size_t buckets = 0;
    std::vector<int> clients;  // per home index: its clients (0: no client has that home)
    // Per home, per bucket: connected clients / clients at bucket end, quantised to 0..255.
    std::vector<std::vector<std::uint8_t>> connected;
    std::size_t homes_omitted = 0;
  };
  // Buckets of series().connected_clients' step, at least `min_buckets`.
  HomeSeries home_series(std::size_t min_buckets) const;

  // Per client, its connection story: connect/connack/connect_failed/connection_lost/
  // disconnect and will deliveries, the first kTimelineMax of them (later ones are counted).
  static constexpr std::size_t kTimelineMax = 64;
  // 16 bytes: every client keeps one, so a large flapping fleet stays affordable.
  struct TimelineEntry {
    std::int64_t time_ns = 0;
    history::EventType type = history::EventType::connect_sent;
    std::uint8_t code = 0;     // connack: return code
    bool flag = false;         // connect_sent: a will is set; connack: session present
    bool will_fired = false;   // a will of this client was delivered (type = delivered)
    std::uint16_t detail = 0;  // timeline_detail(): connect_sent: clean/persistent;
                               // connection_lost/connect_failed: the reason
  };
  struct Timeline {
    std::vector<TimelineEntry> entries;
    std::uint64_t omitted = 0;
  };
  // Indexed by the history's client id; clients with no connection events have none.
  const std::vector<Timeline>& timelines() const { return timelines_; }
  // The text of TimelineEntry::detail ("" for 0; "(other)" past kTimelineDetails texts).
  const std::string& timeline_detail(std::uint16_t id) const { return timeline_details_[id]; }
  static constexpr std::size_t kTimelineDetails = 4096;

 private:
  struct Outstanding {
    std::int64_t sent_ns = 0;
    std::uint8_t qos = 0;
  };
  struct MessageKeyHash {
    std::size_t operator()(const history::MessageId& id) const;
  };

  void on_publish(const history::Event& event);
  void on_delivered(const history::Event& event);
  void on_connack(const history::Event& event);
  void on_connection_end(const history::Event& event, bool graceful);
  void expire_outstanding(std::int64_t now_ns);
  Histogram& kind_histogram(std::uint32_t publisher);
  void set_connected(std::uint32_t client, bool connected, std::int64_t time_ns);

  const history::History& history_;
  MetricsOptions options_;
  Counters counters_;
  BrokerTotals broker_;
  BrokerTotals last_sample_;  // the broker's cumulative counters at the previous sample
  Series series_;
  Histogram latency_all_;
  Histogram latency_qos_[3];
  std::map<std::string, Histogram> latency_by_kind_;
  std::vector<Histogram*> kind_by_client_;  // cache: client id → its kind's histogram
  Histogram shadow_convergence_;
  Histogram command_round_trip_;
  std::vector<FaultWindow> fault_windows_;

  std::unordered_map<history::MessageId, Outstanding, MessageKeyHash> outstanding_;
  std::deque<std::pair<std::int64_t, history::MessageId>> expiry_queue_;  // FIFO by send time
  std::vector<bool> connected_;
  std::vector<bool> ever_connected_;
  std::int64_t connected_now_ = 0;
  std::set<std::pair<std::uint32_t, std::uint64_t>> wills_seen_;  // (publisher, seq)
  // Per-home connected counts: (bucket at home_step_ns_, count at its end) per bucket in which
  // the count changed, so memory is bounded by homes x buckets.
  struct HomeTrack {
    int connected = 0;
    std::vector<std::pair<std::uint32_t, int>> changes;
  };
  int home_index(std::uint32_t client);
  void add_timeline(std::uint32_t client, const history::Event& event, bool will_fired = false);
  std::vector<Timeline> timelines_;
  std::vector<std::string> timeline_details_{"", "(other)"};
  std::unordered_map<std::string, std::uint16_t> timeline_detail_ids_;
  std::int64_t home_step_ns_ = 1;
  std::vector<int> home_by_client_;  // cache: -2 unknown yet, -1 no home (or omitted)
  std::vector<HomeTrack> homes_;
  std::set<int> homes_omitted_;
  std::int64_t last_time_ns_ = 0;
};

}  // namespace mqttbed::report
