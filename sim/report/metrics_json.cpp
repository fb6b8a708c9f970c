#include "sim/report/metrics_json.h"

#include <algorithm>
#include <map>

#include "sim/report/units.h"

namespace mqttbed::report {
namespace {

using nlohmann::ordered_json;

// Enough buckets to cover the planned horizon and anything recorded after it.
std::size_t bucket_count(std::int64_t step_ns, const Metrics& metrics) {
  std::int64_t end = std::max(metrics.options().horizon.count(), metrics.last_time().count() + 1);
  return static_cast<std::size_t>((end + step_ns - 1) / step_ns);
}

ordered_json counters_json(const Counters& c) {
  return ordered_json{{"published", c.published},
                      {"published_bytes", c.published_bytes},
                      {"acked", c.acked},
                      {"delivered", c.delivered},
                      {"delivered_bytes", c.delivered_bytes},
                      {"delivered_retained", c.delivered_retained},
                      {"delivered_duplicates", c.delivered_duplicates},
                      {"delivered_unmatched", c.delivered_unmatched},
                      {"connects", c.connects},
                      {"reconnects", c.reconnects},
                      {"connect_failures", c.connect_failures},
                      {"connections_lost", c.connections_lost},
                      {"disconnects", c.disconnects},
                      {"connected_max", c.connected_max},
                      {"wills_fired", c.wills_fired},
                      {"wills_delivered", c.wills_delivered},
                      {"fault_events", c.fault_events}};
}

ordered_json broker_json(const BrokerTotals& b) {
  return ordered_json{{"samples", b.samples},
                      {"queued_max", b.queued_max},
                      {"connections_max", b.connections_max},
                      {"dropped_queue_full", b.dropped_queue_full},
                      {"dropped_payload_limit", b.dropped_payload_limit},
                      {"denied", b.denied}};
}

ordered_json latency_json(const Metrics& metrics) {
  ordered_json by_kind = ordered_json::object();
  for (const auto& [kind, histogram] : metrics.latency_by_kind()) {
    by_kind[kind] = histogram_json(histogram);
  }
  return ordered_json{{"all", histogram_json(metrics.latency_all())},
                      {"qos0", histogram_json(metrics.latency_qos(0))},
                      {"qos1", histogram_json(metrics.latency_qos(1))},
                      {"qos2", histogram_json(metrics.latency_qos(2))},
                      {"by_kind", by_kind}};
}

ordered_json series_json(const Metrics& metrics) {
  const Series& s = metrics.series();
  auto rate = [&](const CounterSeries& series) {
    return rate_series_json(series, bucket_count(series.step_ns(), metrics));
  };
  auto gauge = [&](const GaugeSeries& series) {
    return gauge_series_json(series, bucket_count(series.step_ns(), metrics));
  };
  return ordered_json{{"published_messages_per_s", rate(s.published_messages)},
                      {"published_bytes_per_s", rate(s.published_bytes)},
                      {"delivered_messages_per_s", rate(s.delivered_messages)},
                      {"delivered_bytes_per_s", rate(s.delivered_bytes)},
                      {"connected_clients", gauge(s.connected_clients)},
                      {"broker_queued_messages", gauge(s.broker_queued)},
                      {"broker_connections", gauge(s.broker_connections)},
                      {"broker_dropped_per_s", rate(s.broker_dropped)},
                      {"broker_denied_per_s", rate(s.broker_denied)}};
}

ordered_json fault_windows_json(const Metrics& metrics) {
  ordered_json windows = ordered_json::array();
  for (const FaultWindow& window : metrics.fault_windows()) {
    windows.push_back(ordered_json{{"start_s", to_seconds(window.start.count())},
                                   {"end_s", to_seconds(window.end.count())},
                                   {"kind", window.kind},
                                   {"target", window.target}});
  }
  return windows;
}

std::string base64(const std::vector<std::uint8_t>& bytes) {
  static constexpr char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t n = std::uint32_t{bytes[i]} << 16;
    if (i + 1 < bytes.size()) n |= std::uint32_t{bytes[i + 1]} << 8;
    if (i + 2 < bytes.size()) n |= bytes[i + 2];
    out += kDigits[(n >> 18) & 63];
    out += kDigits[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kDigits[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kDigits[n & 63] : '=';
  }
  return out;
}

// Per home index: clients and the connected fraction at each bucket's end (0..255, base64).
ordered_json homes_json(const Metrics& metrics) {
  Metrics::HomeSeries homes =
      metrics.home_series(bucket_count(metrics.series().connected_clients.step_ns(), metrics));
  ordered_json connected = ordered_json::array();
  for (const auto& row : homes.connected) connected.push_back(base64(row));
  return ordered_json{{"t0_s", 0},
                      {"step_s", to_seconds(homes.step_ns)},
                      {"buckets", homes.buckets},
                      {"max_homes", Metrics::kMaxHomes},
                      {"omitted", homes.homes_omitted},
                      {"clients", homes.clients},
                      {"connected_b64", std::move(connected)}};
}

}  // namespace

ordered_json histogram_json(const Histogram& histogram) {
  ordered_json json{{"count", histogram.count()}};
  if (histogram.empty()) return json;
  json["min_s"] = to_seconds(histogram.min());
  json["mean_s"] = to_seconds(histogram.mean());
  json["p50_s"] = to_seconds(histogram.percentile(50));
  json["p90_s"] = to_seconds(histogram.percentile(90));
  json["p99_s"] = to_seconds(histogram.percentile(99));
  json["p999_s"] = to_seconds(histogram.percentile(99.9));
  json["max_s"] = to_seconds(histogram.max());
  // [lower_ns, upper_ns, count] per non-empty bucket: integers, exact and re-mergeable.
  ordered_json buckets = ordered_json::array();
  for (const Histogram::Bucket& bucket : histogram.buckets()) {
    buckets.push_back(ordered_json::array({bucket.lower_ns, bucket.upper_ns, bucket.count}));
  }
  json["buckets_ns"] = std::move(buckets);
  return json;
}

ordered_json rate_series_json(const CounterSeries& series, std::size_t buckets) {
  double step_s = to_seconds(series.step_ns());
  ordered_json values = ordered_json::array();
  for (std::uint64_t total : series.totals(buckets)) {
    values.push_back(static_cast<double>(total) / step_s);
  }
  return ordered_json{{"t0_s", 0}, {"step_s", step_s}, {"values", std::move(values)}};
}

ordered_json gauge_series_json(const GaugeSeries& series, std::size_t buckets) {
  ordered_json last = ordered_json::array();
  ordered_json min = ordered_json::array();
  ordered_json max = ordered_json::array();
  for (const GaugeSeries::Point& point : series.points(buckets)) {
    last.push_back(point.last);
    min.push_back(point.min);
    max.push_back(point.max);
  }
  return ordered_json{{"t0_s", 0},
                      {"step_s", to_seconds(series.step_ns())},
                      {"values", std::move(last)},
                      {"min", std::move(min)},
                      {"max", std::move(max)}};
}

ordered_json timelines_json(const Metrics& metrics, const std::vector<std::string>& priority) {
  const history::History& history = metrics.history();
  const auto& timelines = metrics.timelines();
  std::size_t total = history.client_count();
  std::vector<std::uint32_t> chosen;
  std::vector<bool> taken(total, false);
  auto take = [&](std::uint32_t id) {
    if (id >= total || taken[id] || chosen.size() >= kTimelineClients) return;
    taken[id] = true;
    chosen.push_back(id);
  };
  // Client 0 of the history may be a placeholder with an empty name; skip nameless ones.
  std::vector<std::uint32_t> named;
  for (std::uint32_t id = 0; id < total; ++id) {
    if (!history.client_name(id).empty()) named.push_back(id);
  }
  bool all = named.size() <= kTimelineClients;
  if (all) {
    for (std::uint32_t id : named) take(id);
  } else {
    std::map<std::string, std::uint32_t> by_name;
    for (std::uint32_t id : named) by_name.emplace(history.client_name(id), id);
    for (const std::string& name : priority) {
      auto it = by_name.find(name);
      if (it != by_name.end()) take(it->second);
    }
    std::map<int, std::uint32_t> first_of_home;
    for (std::uint32_t id : named)
      first_of_home.emplace(Metrics::home_of(history.client_name(id)), id);
    for (const auto& [home, id] : first_of_home) {
      if (home >= 0) take(id);
    }
  }
  ordered_json clients = ordered_json::object();
  for (std::uint32_t id : chosen) {
    ordered_json entries = ordered_json::array();
    std::uint64_t omitted = 0;
    if (id < timelines.size()) {
      omitted = timelines[id].omitted;
      for (const Metrics::TimelineEntry& e : timelines[id].entries) {
        ordered_json entry{{"t_s", to_seconds(e.time_ns)},
                           {"event", e.will_fired ? "will_delivered" : history::to_string(e.type)}};
        switch (e.type) {
          case history::EventType::connect_sent:
            entry["will"] = e.flag;
            break;
          case history::EventType::connack:
            entry["code"] = e.code;
            entry["session_present"] = e.flag;
            break;
          default:
            break;
        }
        if (e.detail != 0) entry["detail"] = metrics.timeline_detail(e.detail);
        entries.push_back(std::move(entry));
      }
    }
    ordered_json client{{"events", std::move(entries)}};
    if (omitted > 0) client["omitted"] = omitted;
    clients[history.client_name(id)] = std::move(client);
  }
  return ordered_json{{"selection", all ? "all" : "sample"},
                      {"clients_total", named.size()},
                      {"max_clients", kTimelineClients},
                      {"max_events", Metrics::kTimelineMax},
                      {"clients", std::move(clients)}};
}

ordered_json metrics_json(const Metrics& metrics,
                          const std::vector<std::string>& timeline_clients) {
  return ordered_json{{"counters", counters_json(metrics.counters())},
                      {"latency", latency_json(metrics)},
                      {"shadow_convergence", histogram_json(metrics.shadow_convergence())},
                      {"command_round_trip", histogram_json(metrics.command_round_trip())},
                      {"broker", broker_json(metrics.broker())},
                      {"series", series_json(metrics)},
                      {"fault_windows", fault_windows_json(metrics)},
                      {"homes", homes_json(metrics)},
                      {"timelines", timelines_json(metrics, timeline_clients)}};
}

}  // namespace mqttbed::report
