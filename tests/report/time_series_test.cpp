#include "sim/report/time_series.h"

#include <gtest/gtest.h>

#include <numeric>

namespace mqttbed::report {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

TEST(TimeSeriesTest, StepCoversTheHorizonInAtMostTargetBuckets) {
  EXPECT_EQ(choose_step_ns(3600 * kSecond, 720), 5 * kSecond);
  EXPECT_EQ(choose_step_ns(10 * kSecond, 720), 20'000'000);  // 13.9 ms → 20 ms
  EXPECT_EQ(choose_step_ns(90 * kSecond, 720), 200'000'000);
  EXPECT_EQ(choose_step_ns(0, 720), kSecond);
  for (std::int64_t horizon : {kSecond, 77 * kSecond, 3600 * kSecond, 86400 * kSecond}) {
    EXPECT_LE(horizon / choose_step_ns(horizon, 720), 720);
  }
}

TEST(TimeSeriesTest, CounterSumsWithinEachBucketAndPads) {
  CounterSeries series(kSecond, 720);
  series.add(0, 1);
  series.add(kSecond - 1, 2);
  series.add(3 * kSecond, 5);
  EXPECT_EQ(series.totals(6), (std::vector<std::uint64_t>{3, 0, 0, 5, 0, 0}));
}

TEST(TimeSeriesTest, GaugeHoldsLevelAcrossQuietBucketsAndTracksMinMax) {
  GaugeSeries series(kSecond, 720);
  series.set(0, 3);
  series.set(2 * kSecond + 1, 1);  // dips within bucket 2...
  series.set(2 * kSecond + 2, 4);  // ...then rises
  auto points = series.points(4);
  ASSERT_EQ(points.size(), 4u);
  EXPECT_EQ(points[1].last, 3);  // nothing happened in bucket 1: the level held
  EXPECT_EQ(points[2].min, 1);
  EXPECT_EQ(points[2].max, 4);
  EXPECT_EQ(points[2].last, 4);
  EXPECT_EQ(points[3].last, 4);  // padded with the current level
}

TEST(TimeSeriesTest, CounterCoarsensInsteadOfGrowingPastItsCap) {
  CounterSeries series(kSecond, 10);  // cap 40 buckets
  for (std::int64_t t = 0; t < 1000; ++t) series.add(t * kSecond, 1);
  EXPECT_LE(series.size(), 40u);
  EXPECT_GT(series.step_ns(), kSecond);
  auto totals = series.totals(0);
  EXPECT_EQ(std::accumulate(totals.begin(), totals.end(), std::uint64_t{0}), 1000u);
  EXPECT_EQ(totals[0], static_cast<std::uint64_t>(series.step_ns() / kSecond));
}

TEST(TimeSeriesTest, GaugeCoarseningKeepsExtremes) {
  GaugeSeries series(kSecond, 2);  // cap 8 buckets
  series.set(1 * kSecond, 9);
  series.set(2 * kSecond, 0);
  series.set(20 * kSecond, 2);
  EXPECT_LE(series.size(), 8u);
  auto points = series.points(0);
  EXPECT_EQ(points[0].max, 9);
  EXPECT_EQ(points[0].min, 0);
  EXPECT_EQ(points.back().last, 2);
}

}  // namespace
}  // namespace mqttbed::report
