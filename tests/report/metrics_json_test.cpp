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

TEST(MetricsJsonTest, HomeOfReadsTheHomeIndexOfHomeClientsOnly) {
  EXPECT_EQ(Metrics::home_of("acct1-home12-gateway0"), 12);
  EXPECT_EQ(Metrics::home_of("acct0-home0-light3"), 0);
  EXPECT_EQ(Metrics::home_of("acct0-app0"), -1);
  EXPECT_EQ(Metrics::home_of("acct0-home5"), -1);  // a per-account kind "home"
  EXPECT_EQ(Metrics::home_of("cloud-shadow"), -1);
}

TEST(MetricsJsonTest, HomesCarryTheConnectedFractionPerBucket) {
  history::History history;
  MetricsOptions options;
  options.horizon = std::chrono::seconds(4);
  options.target_buckets = 4;  // 1 s buckets
  Metrics metrics(history, options);
  metrics.attach(history);
  testing::EventBuilder events(history);
  history.client_id("acct0-home1-light0");  // home 1 has 2 clients, home 0 none
  history.client_id("acct0-app0");
  history.append(events.connack(100 * kMs, "acct0-home1-gateway0"));
  history.append(events.connack(200 * kMs, "acct0-home1-light0"));
  history.append(events.lost(1500 * kMs, "acct0-home1-light0"));
  history.append(events.connack(3100 * kMs, "acct0-app0"));
  nlohmann::ordered_json homes = metrics_json(metrics)["homes"];
  EXPECT_EQ(homes["step_s"].dump(), "1.0");
  EXPECT_EQ(homes["clients"].dump(), "[0,2]");
  // Bytes 255, 128, 128, 128 → "/4CAgA==".
  EXPECT_EQ(homes["connected_b64"][1], "/4CAgA==");
  EXPECT_EQ(homes["connected_b64"][0], "AAAAAA==");
  EXPECT_EQ(homes["omitted"], 0);
}

TEST(MetricsJsonTest, TimelinesOfALargeFleetAreViolationClientsThenFirstOfEachHome) {
  history::History history;
  Metrics metrics(history, MetricsOptions{});
  metrics.attach(history);
  testing::EventBuilder events(history);
  for (int home = 0; home < 150; ++home) {
    for (int i = 0; i < 2; ++i) {
      history.client_id("acct0-home" + std::to_string(home) + "-light" + std::to_string(i));
    }
  }
  history.append(events.connack(kMs, "acct0-home3-light1"));
  history.append(events.lost(2 * kMs, "acct0-home3-light1"));
  nlohmann::ordered_json json = timelines_json(metrics, {"acct0-home3-light1", "nobody"});
  EXPECT_EQ(json["selection"], "sample");
  EXPECT_EQ(json["clients_total"], 300);
  ASSERT_EQ(json["clients"].size(), 151u);
  EXPECT_EQ(json["clients"].begin().key(), "acct0-home3-light1");
  const auto& timeline = json["clients"]["acct0-home3-light1"]["events"];
  ASSERT_EQ(timeline.size(), 2u);
  EXPECT_EQ(timeline[1]["event"], "connection_lost");
  EXPECT_TRUE(json["clients"].contains("acct0-home149-light0"));
  EXPECT_FALSE(json["clients"].contains("acct0-home149-light1"));
}

}  // namespace
}  // namespace mqttbed::report
