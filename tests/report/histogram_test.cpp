#include "sim/report/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace mqttbed::report {
namespace {

std::int64_t reference_percentile(const std::vector<std::int64_t>& sorted, double p) {
  return sorted[Histogram::rank(p, sorted.size()) - 1];
}

TEST(HistogramTest, PercentilesStayWithinDocumentedErrorOfSortedReference) {
  // Log-uniform from 1 us to 1 h: every decade the histogram claims to cover.
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> exponent(3.0, std::log10(3.6e12));
  Histogram histogram;
  std::vector<std::int64_t> values;
  for (int i = 0; i < 200000; ++i) {
    auto value = static_cast<std::int64_t>(std::pow(10.0, exponent(rng)));
    histogram.record(value);
    values.push_back(value);
  }
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99}) {
    std::int64_t expected = reference_percentile(values, p);
    double error = std::abs(static_cast<double>(histogram.percentile(p) - expected));
    EXPECT_LE(error, expected * Histogram::kMaxRelativeError) << "p" << p;
  }
  EXPECT_EQ(histogram.count(), values.size());
  EXPECT_EQ(histogram.min(), values.front());
  EXPECT_EQ(histogram.max(), values.back());
}

TEST(HistogramTest, PercentilesOfNarrowLatencyBandAreWithinErrorBound) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> latency(std::log(20e6), 0.3);  // ~20 ms
  Histogram histogram;
  std::vector<std::int64_t> values;
  for (int i = 0; i < 50000; ++i) {
    auto value = static_cast<std::int64_t>(latency(rng));
    histogram.record(value);
    values.push_back(value);
  }
  std::sort(values.begin(), values.end());
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    std::int64_t expected = reference_percentile(values, p);
    EXPECT_NEAR(histogram.percentile(p), expected, expected * Histogram::kMaxRelativeError);
  }
}

TEST(HistogramTest, ValuesBelow256NanosecondsAreExact) {
  Histogram histogram;
  for (int value = 0; value < 256; ++value) histogram.record(value);
  for (double p : {10.0, 50.0, 90.0}) {
    EXPECT_EQ(histogram.percentile(p), static_cast<std::int64_t>(Histogram::rank(p, 256)) - 1);
  }
}

TEST(HistogramTest, NearestRankOfTenSamples) {
  Histogram histogram;
  for (int i = 1; i <= 10; ++i) histogram.record(i);
  EXPECT_EQ(histogram.percentile(50), 5);
  EXPECT_EQ(histogram.percentile(90), 9);
  EXPECT_EQ(histogram.percentile(99), 10);
  EXPECT_EQ(histogram.percentile(0), 1);
  EXPECT_DOUBLE_EQ(histogram.mean(), 5.5);
}

TEST(HistogramTest, NearestRankIsExactForHugeCounts) {
  EXPECT_EQ(Histogram::rank(99.9, 10'000'000'000ULL), 9'990'000'000ULL);
  EXPECT_EQ(Histogram::rank(50, 3), 2u);
  EXPECT_EQ(Histogram::rank(99.9, 1000), 999u);
  EXPECT_EQ(Histogram::rank(99.9, 1001), 1000u);
  EXPECT_EQ(Histogram::rank(100, 7), 7u);
  EXPECT_EQ(Histogram::rank(0, 7), 1u);
}

TEST(HistogramTest, EmptyHistogramReportsZeros) {
  Histogram histogram;
  EXPECT_TRUE(histogram.empty());
  EXPECT_EQ(histogram.percentile(99), 0);
  EXPECT_EQ(histogram.max(), 0);
  EXPECT_EQ(histogram.mean(), 0);
  EXPECT_TRUE(histogram.buckets().empty());
}

TEST(HistogramTest, MergeEqualsRecordingEverythingIntoOne) {
  Histogram left, right, both;
  for (int i = 0; i < 1000; ++i) {
    std::int64_t value = 1000 + i * 7919LL * 1000;
    (i % 3 ? left : right).record(value);
    both.record(value);
  }
  left.merge(right);
  EXPECT_EQ(left.count(), both.count());
  EXPECT_EQ(left.min(), both.min());
  EXPECT_EQ(left.max(), both.max());
  EXPECT_DOUBLE_EQ(left.mean(), both.mean());
  for (double p : {50.0, 99.0, 99.9}) EXPECT_EQ(left.percentile(p), both.percentile(p));
  ASSERT_EQ(left.buckets().size(), both.buckets().size());
}

TEST(HistogramTest, ValuesBeyondOneHourKeepExactMaxAndBoundedBuckets) {
  Histogram histogram;
  std::int64_t three_hours = 3 * 3600LL * 1'000'000'000;
  histogram.record(three_hours);
  histogram.record(1000);
  EXPECT_EQ(histogram.max(), three_hours);
  EXPECT_LE(histogram.percentile(100), three_hours);
  EXPECT_EQ(histogram.buckets().back().upper_ns, Histogram::kHighestTrackableNs + 1);
}

TEST(HistogramTest, NegativeValuesCountAsZero) {
  Histogram histogram;
  histogram.record(-5);
  EXPECT_EQ(histogram.min(), 0);
  EXPECT_EQ(histogram.percentile(50), 0);
}

TEST(HistogramTest, BucketsPartitionTheRangeWithoutGaps) {
  Histogram histogram;
  for (std::int64_t value = 1; value < Histogram::kHighestTrackableNs; value = value * 3 / 2 + 1) {
    histogram.record(value);
  }
  std::uint64_t total = 0;
  std::int64_t previous_upper = -1;
  for (const Histogram::Bucket& bucket : histogram.buckets()) {
    EXPECT_GE(bucket.lower_ns, previous_upper);
    EXPECT_GT(bucket.upper_ns, bucket.lower_ns);
    // Width bound behind the documented error: width <= lower / 128 above 256 ns.
    if (bucket.lower_ns >= 256) {
      EXPECT_LE((bucket.upper_ns - bucket.lower_ns) * 128, bucket.lower_ns);
    }
    previous_upper = bucket.upper_ns;
    total += bucket.count;
  }
  EXPECT_EQ(total, histogram.count());
}

}  // namespace
}  // namespace mqttbed::report
