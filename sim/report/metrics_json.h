// The `metrics` section of report.json: histograms as percentiles plus bucket counts, time
// series as {t0_s, step_s, values[]}, counters. Key order is fixed, so output is deterministic.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/report/histogram.h"
#include "sim/report/metrics.h"
#include "sim/report/time_series.h"

namespace mqttbed::report {

nlohmann::ordered_json histogram_json(const Histogram& histogram);
// Rates per second of each bucket, padded to `buckets`.
nlohmann::ordered_json rate_series_json(const CounterSeries& series, std::size_t buckets);
// Levels per bucket (last, min, max), padded to `buckets`.
nlohmann::ordered_json gauge_series_json(const GaugeSeries& series, std::size_t buckets);
// `timeline_clients`: client ids whose timelines come first in metrics.timelines (those a
// violation involves); see timelines_json.
nlohmann::ordered_json metrics_json(const Metrics& metrics,
                                    const std::vector<std::string>& timeline_clients = {});
// Connection timelines of a bounded sample: every client when there are at most
// kTimelineClients, else `priority` (in order, unknown ids skipped) and then the first client
// of each home, up to kTimelineClients in all.
inline constexpr std::size_t kTimelineClients = 200;
nlohmann::ordered_json timelines_json(const Metrics& metrics,
                                      const std::vector<std::string>& priority);

}  // namespace mqttbed::report
