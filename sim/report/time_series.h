// Fixed-step time series over virtual time with bounded memory: a counter (events or bytes
// per bucket) and a gauge (a level such as connected clients, sampled per bucket).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mqttbed::report {

// The step for a run of `horizon_ns`: the smallest 1-2-5 multiple of a millisecond that
// covers the run in at most `target_buckets` buckets (1 s when the horizon is unknown).
std::int64_t choose_step_ns(std::int64_t horizon_ns, std::size_t target_buckets);

// Both series start at t = 0 and grow as time advances. If a run outlasts its planned horizon
// by far (more than 4x the target buckets), the step doubles and adjacent buckets merge, so
// memory never exceeds a few thousand buckets per series.
class CounterSeries {
 public:
  CounterSeries(std::int64_t step_ns, std::size_t target_buckets);
  void add(std::int64_t time_ns, std::uint64_t amount);
  std::int64_t step_ns() const { return step_ns_; }
  // Per-bucket totals, zero-padded to at least `min_buckets`.
  std::vector<std::uint64_t> totals(std::size_t min_buckets) const;
  std::size_t size() const { return totals_.size(); }

 private:
  std::size_t bucket_for(std::int64_t time_ns);

  std::int64_t step_ns_;
  std::size_t max_buckets_;
  std::vector<std::uint64_t> totals_;
};

class GaugeSeries {
 public:
  struct Point {
    std::int64_t last = 0;  // level at the end of the bucket
    std::int64_t min = 0;   // lowest level held during the bucket
    std::int64_t max = 0;   // highest level held during the bucket
  };

  GaugeSeries(std::int64_t step_ns, std::size_t target_buckets);
  // The level becomes `value` at `time_ns` and holds until the next set().
  void set(std::int64_t time_ns, std::int64_t value);
  std::int64_t step_ns() const { return step_ns_; }
  std::int64_t current() const { return current_; }
  // Per-bucket points, padded with the current level to at least `min_buckets`.
  std::vector<Point> points(std::size_t min_buckets) const;
  std::size_t size() const { return points_.size(); }

 private:
  std::size_t bucket_for(std::int64_t time_ns);

  std::int64_t step_ns_;
  std::size_t max_buckets_;
  std::int64_t current_ = 0;
  std::vector<Point> points_;
};

}  // namespace mqttbed::report
