#include "sim/report/metrics.h"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "sim/scenario/client_id.h"

namespace mqttbed::report {
namespace {

using history::Event;
using history::EventType;

constexpr Duration kMinPublishTtl = std::chrono::seconds(10);

// The longest time a fault can keep a client away, so its queued messages still match.
Duration longest_outage(const scenario::Scenario& scenario) {
  Duration longest{0};
  for (const scenario::Fault& fault : scenario.faults) {
    if (fault.duration) longest = std::max(longest, *fault.duration);
    if (fault.mttr) longest = std::max(longest, *fault.mttr);
    longest = std::max(longest, fault.downtime);
  }
  return longest;
}

Series make_series(const MetricsOptions& options) {
  std::int64_t step = choose_step_ns(options.horizon.count(), options.target_buckets);
  std::size_t target = options.target_buckets;
  return Series{
      CounterSeries(step, target), CounterSeries(step, target), CounterSeries(step, target),
      CounterSeries(step, target), GaugeSeries(step, target),   GaugeSeries(step, target),
      GaugeSeries(step, target),   CounterSeries(step, target), CounterSeries(step, target)};
}

}  // namespace

MetricsOptions metrics_options_for(const scenario::Scenario& scenario) {
  MetricsOptions options;
  options.horizon = scenario.duration + scenario.settle;
  options.publish_ttl = std::max(scenario.settle + longest_outage(scenario), kMinPublishTtl);
  return options;
}

std::size_t Metrics::MessageKeyHash::operator()(const history::MessageId& id) const {
  return std::hash<std::uint64_t>()(id.seq * 0x9E3779B97F4A7C15ULL ^ id.publisher);
}

Metrics::Metrics(const history::History& history, MetricsOptions options)
    : history_(history),
      options_(options),
      series_(make_series(options_)),
      home_step_ns_(series_.connected_clients.step_ns()) {}

void Metrics::attach(history::History& history) {
  history.add_observer([this](const Event& event) { on_event(event); });
}

std::string Metrics::kind_of(const std::string& client_id) {
  if (auto parts = scenario::parse_client_id(client_id)) return parts->kind;
  // Outside the fleet's grammar (a history from another tool's naming): the last
  // dash-separated part without its index; "h12-light-3" style ids end in a bare
  // index, so an all-digit part defers to the part before it.
  std::size_t end = client_id.size();
  while (true) {
    std::size_t dash = client_id.rfind('-', end == 0 ? 0 : end - 1);
    std::size_t begin = dash == std::string::npos ? 0 : dash + 1;
    std::string part = client_id.substr(begin, end - begin);
    while (!part.empty() && std::isdigit(static_cast<unsigned char>(part.back()))) part.pop_back();
    if (!part.empty()) return part;
    if (dash == std::string::npos || dash == 0) return "unknown";
    end = dash;
  }
}

int Metrics::home_of(const std::string& client_id) {
  auto parts = scenario::parse_client_id(client_id);
  return parts ? parts->home : -1;
}

int Metrics::home_index(std::uint32_t client) {
  if (client >= home_by_client_.size()) home_by_client_.resize(client + 1, -2);
  int& cached = home_by_client_[client];
  if (cached == -2) {
    cached = client < history_.client_count() ? home_of(history_.client_name(client)) : -1;
    if (cached >= kMaxHomes) {
      homes_omitted_.insert(cached);
      cached = -1;
    }
  }
  return cached;
}

Metrics::HomeSeries Metrics::home_series(std::size_t min_buckets) const {
  HomeSeries out;
  out.step_ns = series_.connected_clients.step_ns();
  out.buckets = std::max(min_buckets, series_.connected_clients.size());
  out.homes_omitted = homes_omitted_.size();
  for (std::uint32_t id = 0; id < history_.client_count(); ++id) {
    int home = home_of(history_.client_name(id));
    if (home < 0) continue;
    if (home >= kMaxHomes) continue;
    if (static_cast<std::size_t>(home) >= out.clients.size()) out.clients.resize(home + 1, 0);
    ++out.clients[home];
  }
  // The series step only ever doubles from home_step_ns_, so a change's bucket divides down.
  std::int64_t factor = std::max<std::int64_t>(1, out.step_ns / home_step_ns_);
  out.connected.resize(out.clients.size());
  for (std::size_t home = 0; home < out.clients.size(); ++home) {
    std::vector<std::uint8_t>& row = out.connected[home];
    row.assign(out.buckets, 0);
    int total = out.clients[home];
    if (total == 0) continue;
    auto quantise = [total](int count) {
      return static_cast<std::uint8_t>((std::clamp(count, 0, total) * 255 + total / 2) / total);
    };
    const std::vector<std::pair<std::uint32_t, int>> none;
    const auto& changes = home < homes_.size() ? homes_[home].changes : none;
    std::size_t next = 0;
    int level = 0;
    for (std::size_t b = 0; b < out.buckets; ++b) {
      while (next < changes.size() && static_cast<std::size_t>(changes[next].first / factor) <= b) {
        level = changes[next].second;
        ++next;
      }
      row[b] = quantise(level);
    }
  }
  return out;
}

static_assert(sizeof(Metrics::TimelineEntry) == 16);

void Metrics::add_timeline(std::uint32_t client, const Event& event, bool will_fired) {
  if (client >= timelines_.size()) timelines_.resize(client + 1);
  Timeline& timeline = timelines_[client];
  if (timeline.entries.size() >= kTimelineMax) {
    ++timeline.omitted;
    return;
  }
  TimelineEntry entry;
  entry.time_ns = event.time_ns;
  entry.type = event.type;
  entry.code = static_cast<std::uint8_t>(std::clamp(event.code, 0, 255));
  entry.will_fired = will_fired;
  if (event.type == EventType::connect_sent) entry.flag = event.is_will;
  if (event.type == EventType::connack) entry.flag = event.session_present;
  if (event.detail != 0 && event.type != EventType::delivered) {
    const std::string& text = history_.string(event.detail);
    auto it = timeline_detail_ids_.find(text);
    if (it != timeline_detail_ids_.end()) {
      entry.detail = it->second;
    } else if (timeline_details_.size() < kTimelineDetails) {
      entry.detail = static_cast<std::uint16_t>(timeline_details_.size());
      timeline_detail_ids_.emplace(text, entry.detail);
      timeline_details_.push_back(text);
    } else {
      entry.detail = 1;  // "(other)"
    }
  }
  timeline.entries.push_back(entry);
}

void Metrics::on_event(const Event& event) {
  last_time_ns_ = std::max(last_time_ns_, event.time_ns);
  expire_outstanding(event.time_ns);
  switch (event.type) {
    case EventType::connect_sent:
    case EventType::connack:
    case EventType::connect_failed:
    case EventType::connection_lost:
    case EventType::disconnect_sent:
      add_timeline(event.client, event);
      break;
    default:
      break;
  }
  switch (event.type) {
    case EventType::publish_sent:
      on_publish(event);
      break;
    case EventType::publish_acked:
      ++counters_.acked;
      break;
    case EventType::delivered:
      on_delivered(event);
      break;
    case EventType::connack:
      on_connack(event);
      break;
    case EventType::connect_failed:
      ++counters_.connect_failures;
      break;
    case EventType::connection_lost:
      on_connection_end(event, false);
      break;
    case EventType::disconnect_sent:
      on_connection_end(event, true);
      break;
    case EventType::fault:
      ++counters_.fault_events;
      break;
    default:
      break;
  }
}

void Metrics::on_publish(const Event& event) {
  ++counters_.published;
  counters_.published_bytes += event.bytes;
  series_.published_messages.add(event.time_ns, 1);
  series_.published_bytes.add(event.time_ns, event.bytes);
  if (event.msg.seq == 0) return;  // foreign message: nothing can match it
  // A retransmission keeps the first send time: latency is what the application waited.
  auto [it, inserted] = outstanding_.try_emplace(event.msg, Outstanding{event.time_ns, event.qos});
  if (inserted) expiry_queue_.emplace_back(event.time_ns, event.msg);
}

void Metrics::on_delivered(const Event& event) {
  ++counters_.delivered;
  counters_.delivered_bytes += event.bytes;
  series_.delivered_messages.add(event.time_ns, 1);
  series_.delivered_bytes.add(event.time_ns, event.bytes);
  if (event.is_will) {
    ++counters_.wills_delivered;
    if (wills_seen_.emplace(event.msg.publisher, event.msg.seq).second || event.msg.seq == 0) {
      ++counters_.wills_fired;
      add_timeline(event.msg.publisher, event, true);
    }
    return;  // a will is "published" by the broker, not at a publish_sent
  }
  // A retained replay or a redelivery measures the subscription or the retry, not the path.
  if (event.retain) {
    ++counters_.delivered_retained;
    return;
  }
  if (event.dup) {
    ++counters_.delivered_duplicates;
    return;
  }
  auto it = outstanding_.find(event.msg);
  if (event.msg.seq == 0 || it == outstanding_.end()) {
    ++counters_.delivered_unmatched;
    return;
  }
  std::int64_t latency = event.time_ns - it->second.sent_ns;
  latency_all_.record(latency);
  latency_qos_[std::min<int>(event.qos, 2)].record(latency);
  kind_histogram(event.msg.publisher).record(latency);
}

Histogram& Metrics::kind_histogram(std::uint32_t publisher) {
  if (publisher >= kind_by_client_.size()) kind_by_client_.resize(publisher + 1, nullptr);
  Histogram*& cached = kind_by_client_[publisher];
  if (cached == nullptr) {
    std::string name = publisher < history_.client_count()
                           ? kind_of(history_.client_name(publisher))
                           : std::string("unknown");
    cached = &latency_by_kind_[name];  // std::map nodes never move
  }
  return *cached;
}

void Metrics::on_connack(const Event& event) {
  if (event.code != 0) return;  // refused: the connection never opened
  ++counters_.connects;
  if (event.client >= ever_connected_.size()) ever_connected_.resize(event.client + 1, false);
  if (ever_connected_[event.client]) ++counters_.reconnects;
  ever_connected_[event.client] = true;
  set_connected(event.client, true, event.time_ns);
}

void Metrics::on_connection_end(const Event& event, bool graceful) {
  ++(graceful ? counters_.disconnects : counters_.connections_lost);
  set_connected(event.client, false, event.time_ns);
}

void Metrics::set_connected(std::uint32_t client, bool connected, std::int64_t time_ns) {
  if (client >= connected_.size()) connected_.resize(client + 1, false);
  // Idempotent per client: a connection_lost after our own DISCONNECT must not count twice.
  if (connected_[client] == connected) return;
  connected_[client] = connected;
  connected_now_ += connected ? 1 : -1;
  counters_.connected_max = std::max(counters_.connected_max, connected_now_);
  series_.connected_clients.set(time_ns, connected_now_);
  int home = home_index(client);
  if (home < 0) return;
  if (static_cast<std::size_t>(home) >= homes_.size()) homes_.resize(home + 1);
  HomeTrack& track = homes_[home];
  track.connected += connected ? 1 : -1;
  auto bucket = static_cast<std::uint32_t>(std::max<std::int64_t>(time_ns, 0) / home_step_ns_);
  if (!track.changes.empty() && track.changes.back().first == bucket) {
    track.changes.back().second = track.connected;
  } else {
    track.changes.emplace_back(bucket, track.connected);
  }
}

void Metrics::expire_outstanding(std::int64_t now_ns) {
  std::int64_t cutoff = now_ns - options_.publish_ttl.count();
  while (!expiry_queue_.empty() && expiry_queue_.front().first < cutoff) {
    outstanding_.erase(expiry_queue_.front().second);
    expiry_queue_.pop_front();
  }
}

void Metrics::sample_broker(Duration now, std::uint64_t queued_now,
                            std::uint64_t dropped_queue_full, std::uint64_t dropped_payload_limit,
                            std::uint64_t denied, std::uint64_t connections) {
  std::int64_t t = now.count();
  last_time_ns_ = std::max(last_time_ns_, t);
  // The broker's counters are cumulative; a value below the last sample means they restarted
  // (a crash without persistence), so everything counted since is new.
  auto grow = [](std::uint64_t& last, std::uint64_t value) {
    std::uint64_t added = value >= last ? value - last : value;
    last = value;
    return added;
  };
  std::uint64_t queue_full = grow(last_sample_.dropped_queue_full, dropped_queue_full);
  std::uint64_t payload = grow(last_sample_.dropped_payload_limit, dropped_payload_limit);
  std::uint64_t refused = grow(last_sample_.denied, denied);
  broker_.dropped_queue_full += queue_full;
  broker_.dropped_payload_limit += payload;
  broker_.denied += refused;
  series_.broker_dropped.add(t, queue_full + payload);
  series_.broker_denied.add(t, refused);
  series_.broker_queued.set(t, static_cast<std::int64_t>(queued_now));
  series_.broker_connections.set(t, static_cast<std::int64_t>(connections));
  ++broker_.samples;
  broker_.queued_max = std::max(broker_.queued_max, queued_now);
  broker_.connections_max = std::max(broker_.connections_max, connections);
}

void Metrics::record_shadow_convergence(Duration duration) {
  shadow_convergence_.record(duration.count());
}

void Metrics::record_command_round_trip(Duration duration) {
  command_round_trip_.record(duration.count());
}

void Metrics::add_fault_window(FaultWindow window) { fault_windows_.push_back(std::move(window)); }

std::vector<FaultWindow> Metrics::fault_windows() const {
  std::vector<FaultWindow> sorted = fault_windows_;
  std::sort(sorted.begin(), sorted.end(), [](const FaultWindow& a, const FaultWindow& b) {
    return std::tie(a.start, a.end, a.kind, a.target) < std::tie(b.start, b.end, b.kind, b.target);
  });
  return sorted;
}

}  // namespace mqttbed::report
