// A latency distribution in bounded memory: HDR-style log-linear buckets over nanoseconds,
// so percentiles of millions of samples cost a fixed ~37 KB and stay within a known error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mqttbed::report {

// Buckets: values below 256 ns are exact; above, each power of two [2^e, 2^(e+1)) is split
// into 128 equal sub-buckets (HDR "2 significant digits"). A percentile is reported as its
// bucket's midpoint clamped to the exact [min, max], so for recorded values up to
// kHighestTrackableNs the reported value v' of a true value v satisfies
// |v' - v| <= v * kMaxRelativeError. Larger values are counted in the top bucket; max() and
// mean() stay exact for them.
class Histogram {
 public:
  static constexpr int kSubBucketBits = 7;                              // 128 sub-buckets
  static constexpr std::int64_t kHighestTrackableNs = (1LL << 42) - 1;  // ~73 minutes
  static constexpr double kMaxRelativeError = 1.0 / 256;

  struct Bucket {
    std::int64_t lower_ns = 0;  // inclusive
    std::int64_t upper_ns = 0;  // exclusive
    std::uint64_t count = 0;
  };

  // Negative values (clock skew in live runs) count as 0.
  void record(std::int64_t value_ns, std::uint64_t count = 1);
  void merge(const Histogram& other);

  std::uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  std::int64_t min() const { return count_ ? min_ns_ : 0; }
  std::int64_t max() const { return count_ ? max_ns_ : 0; }
  double mean() const { return count_ ? sum_ns_ / static_cast<double>(count_) : 0; }
  // Nearest-rank percentile, p in [0, 100] (99.9 for p99.9); 0 when empty.
  std::int64_t percentile(double p) const;
  // The 1-based nearest rank of percentile p among `count` sorted samples.
  static std::uint64_t rank(double p, std::uint64_t count);

  // Non-empty buckets in ascending order.
  std::vector<Bucket> buckets() const;

 private:
  static std::size_t index_of(std::int64_t value_ns);
  static Bucket bounds_of(std::size_t index);

  std::vector<std::uint64_t> counts_;  // sized on first record, so idle histograms cost nothing
  std::uint64_t count_ = 0;
  std::int64_t min_ns_ = 0;
  std::int64_t max_ns_ = 0;
  double sum_ns_ = 0;  // double: a long run's sum of nanoseconds can overflow 64 bits
};

}  // namespace mqttbed::report
