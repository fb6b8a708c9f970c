// The `metrics` section of report.json: histograms as percentiles plus bucket counts, time
// series as {t0_s, step_s, values[]}, counters. Key order is fixed, so output is deterministic.
#pragma once

#include <nlohmann/json.hpp>

#include "sim/report/histogram.h"
#include "sim/report/metrics.h"
#include "sim/report/time_series.h"

namespace mqttbed::report {

nlohmann::ordered_json histogram_json(const Histogram& histogram);
// Rates per second of each bucket, padded to `buckets`.
nlohmann::ordered_json rate_series_json(const CounterSeries& series, std::size_t buckets);
// Levels per bucket (last, min, max), padded to `buckets`.
nlohmann::ordered_json gauge_series_json(const GaugeSeries& series, std::size_t buckets);
nlohmann::ordered_json metrics_json(const Metrics& metrics);

}  // namespace mqttbed::report
