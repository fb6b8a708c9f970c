#include "sim/report/metrics_json.h"

#include <gtest/gtest.h>

#include "tests/report/event_builder.h"

namespace mqttbed::report {
namespace {

using testing::kMs;

TEST(MetricsJsonTest, EmptyHistogramIsJustItsCount) {
  EXPECT_EQ(histogram_json(Histogram()).dump(), R"({"count":0})");
}

TEST(MetricsJsonTest, HistogramCarriesPercentilesInSecondsAndExactBuckets) {
  Histogram histogram;
  histogram.record(100);  // exact bucket [100, 101)
  histogram.record(250 * kMs);
  nlohmann::ordered_json json = histogram_json(histogram);
  std::vector<std::string> keys;
  for (const auto& item : json.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"count", "min_s", "mean_s", "p50_s", "p90_s", "p99_s",
                                            "p999_s", "max_s", "buckets_ns"}));
  EXPECT_EQ(json["min_s"].dump(), "1e-07");
  EXPECT_EQ(json["max_s"].dump(), "0.25");
  ASSERT_EQ(json["buckets_ns"].size(), 2u);
  EXPECT_EQ(json["buckets_ns"][0].dump(), "[100,101,1]");
  EXPECT_EQ(json["buckets_ns"][1][2], 1);
}

TEST(MetricsJsonTest, RateSeriesDividesBucketTotalsByTheStep) {
  CounterSeries series(500 * kMs, 720);
  series.add(0, 3);
  series.add(600 * kMs, 1);
  nlohmann::ordered_json json = rate_series_json(series, 3);
  EXPECT_EQ(json.dump(), R"({"t0_s":0,"step_s":0.5,"values":[6.0,2.0,0.0]})");
}

TEST(MetricsJsonTest, GaugeSeriesHasLevelMinAndMaxPerBucket) {
  GaugeSeries series(1000 * kMs, 720);
  series.set(100 * kMs, 2);  // every gauge starts at level 0
  series.set(1500 * kMs, 0);
  series.set(1600 * kMs, 1);
  nlohmann::ordered_json json = gauge_series_json(series, 3);
  EXPECT_EQ(json["values"].dump(), "[2,1,1]");
  EXPECT_EQ(json["min"].dump(), "[0,0,1]");
  EXPECT_EQ(json["max"].dump(), "[2,2,1]");
}

TEST(MetricsJsonTest, SeriesCoverTheWholePlannedRun) {
  history::History history;
  MetricsOptions options;
  options.horizon = std::chrono::seconds(90);  // 720 buckets of 200 ms would be 144 s: 450 used
  Metrics metrics(history, options);
  metrics.attach(history);
  testing::EventBuilder events(history);
  history.append(events.connack(kMs, "acct0-app0"));
  nlohmann::ordered_json json = metrics_json(metrics);
  for (const auto& [name, series] : json["series"].items()) {
    EXPECT_EQ(series["values"].size(), 450u) << name;
    EXPECT_EQ(series["step_s"].dump(), "0.2") << name;
  }
  EXPECT_EQ(json["series"]["connected_clients"]["values"].back(), 1);
}

}  // namespace
}  // namespace mqttbed::report
