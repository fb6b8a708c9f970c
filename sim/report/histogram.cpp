#include "sim/report/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mqttbed::report {
namespace {

constexpr std::int64_t kSubBuckets = 1LL << Histogram::kSubBucketBits;  // 128
constexpr std::size_t kBucketCount =
    static_cast<std::size_t>(
        std::bit_width(static_cast<std::uint64_t>(Histogram::kHighestTrackableNs)) -
        Histogram::kSubBucketBits) *
        kSubBuckets +
    kSubBuckets;

}  // namespace

std::size_t Histogram::index_of(std::int64_t value_ns) {
  auto value =
      static_cast<std::uint64_t>(std::clamp<std::int64_t>(value_ns, 0, kHighestTrackableNs));
  // Below 2 * kSubBuckets every value has its own bucket (shift 0).
  int exponent = std::max(static_cast<int>(std::bit_width(value)) - 1, kSubBucketBits);
  int shift = exponent - kSubBucketBits;
  return static_cast<std::size_t>(shift) * kSubBuckets + (value >> shift);
}

Histogram::Bucket Histogram::bounds_of(std::size_t index) {
  auto i = static_cast<std::int64_t>(index);
  if (i < 2 * kSubBuckets) return {i, i + 1, 0};
  std::int64_t shift = i / kSubBuckets - 1;
  std::int64_t sub = i % kSubBuckets + kSubBuckets;
  return {sub << shift, (sub + 1) << shift, 0};
}

void Histogram::record(std::int64_t value_ns, std::uint64_t count) {
  if (count == 0) return;
  value_ns = std::max<std::int64_t>(value_ns, 0);
  if (counts_.empty()) counts_.assign(kBucketCount, 0);
  counts_[index_of(value_ns)] += count;
  min_ns_ = count_ ? std::min(min_ns_, value_ns) : value_ns;
  max_ns_ = count_ ? std::max(max_ns_, value_ns) : value_ns;
  count_ += count;
  sum_ns_ += static_cast<double>(value_ns) * static_cast<double>(count);
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  if (counts_.empty()) counts_.assign(kBucketCount, 0);
  for (std::size_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  min_ns_ = count_ ? std::min(min_ns_, other.min_ns_) : other.min_ns_;
  max_ns_ = count_ ? std::max(max_ns_, other.max_ns_) : other.max_ns_;
  count_ += other.count_;
  sum_ns_ += other.sum_ns_;
}

std::uint64_t Histogram::rank(double p, std::uint64_t count) {
  // Integer arithmetic in millionths of a percent: floating point would make p90 of 10
  // samples ceil(9.000000000000002) = 10, and an epsilon would misplace ranks of huge counts.
  auto millionths = static_cast<unsigned __int128>(std::llround(std::clamp(p, 0.0, 100.0) * 1e6));
  unsigned __int128 scaled = millionths * count;
  constexpr unsigned __int128 kWhole = 100'000'000;  // 100 % in millionths
  auto rank = static_cast<std::uint64_t>((scaled + kWhole - 1) / kWhole);
  return std::clamp<std::uint64_t>(rank, 1, std::max<std::uint64_t>(count, 1));
}

std::int64_t Histogram::percentile(double p) const {
  if (count_ == 0) return 0;
  std::uint64_t wanted = rank(p, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen < wanted) continue;
    Bucket bucket = bounds_of(i);
    std::int64_t midpoint = bucket.lower_ns + (bucket.upper_ns - bucket.lower_ns) / 2;
    return std::clamp(midpoint, min_ns_, max_ns_);
  }
  return max_ns_;
}

std::vector<Histogram::Bucket> Histogram::buckets() const {
  std::vector<Bucket> result;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    Bucket bucket = bounds_of(i);
    bucket.count = counts_[i];
    result.push_back(bucket);
  }
  return result;
}

}  // namespace mqttbed::report
