#include "sim/report/time_series.h"

#include <algorithm>

namespace mqttbed::report {
namespace {

constexpr std::int64_t kMillisecondNs = 1'000'000;
constexpr std::size_t kOverrunFactor = 4;

}  // namespace

std::int64_t choose_step_ns(std::int64_t horizon_ns, std::size_t target_buckets) {
  if (horizon_ns <= 0 || target_buckets == 0) return 1000 * kMillisecondNs;
  auto buckets = static_cast<std::int64_t>(target_buckets);
  // Round steps (1, 2, 5 x 10^k ms) keep bucket edges readable on a plot's axis.
  for (std::int64_t decade = kMillisecondNs;; decade *= 10) {
    for (std::int64_t factor : {1, 2, 5}) {
      std::int64_t step = decade * factor;
      if (step * buckets >= horizon_ns) return step;
    }
  }
}

CounterSeries::CounterSeries(std::int64_t step_ns, std::size_t target_buckets)
    : step_ns_(std::max<std::int64_t>(step_ns, 1)),
      max_buckets_(std::max<std::size_t>(target_buckets, 1) * kOverrunFactor) {}

std::size_t CounterSeries::bucket_for(std::int64_t time_ns) {
  time_ns = std::max<std::int64_t>(time_ns, 0);
  while (static_cast<std::size_t>(time_ns / step_ns_) >= max_buckets_) {
    // Double the step: bucket i of the new series is buckets 2i and 2i+1 of the old.
    for (std::size_t i = 0; i < totals_.size(); ++i) {
      totals_[i / 2] = (i % 2 ? totals_[i / 2] : 0) + totals_[i];
    }
    totals_.resize((totals_.size() + 1) / 2);
    step_ns_ *= 2;
  }
  auto index = static_cast<std::size_t>(time_ns / step_ns_);
  if (index >= totals_.size()) totals_.resize(index + 1, 0);
  return index;
}

void CounterSeries::add(std::int64_t time_ns, std::uint64_t amount) {
  totals_[bucket_for(time_ns)] += amount;
}

std::vector<std::uint64_t> CounterSeries::totals(std::size_t min_buckets) const {
  std::vector<std::uint64_t> result = totals_;
  if (result.size() < min_buckets) result.resize(min_buckets, 0);
  return result;
}

GaugeSeries::GaugeSeries(std::int64_t step_ns, std::size_t target_buckets)
    : step_ns_(std::max<std::int64_t>(step_ns, 1)),
      max_buckets_(std::max<std::size_t>(target_buckets, 1) * kOverrunFactor) {}

std::size_t GaugeSeries::bucket_for(std::int64_t time_ns) {
  time_ns = std::max<std::int64_t>(time_ns, 0);
  while (static_cast<std::size_t>(time_ns / step_ns_) >= max_buckets_) {
    for (std::size_t i = 0; i < points_.size(); ++i) {
      Point& merged = points_[i / 2];
      if (i % 2 == 0) {
        merged = points_[i];
      } else {
        merged = {points_[i].last, std::min(merged.min, points_[i].min),
                  std::max(merged.max, points_[i].max)};
      }
    }
    points_.resize((points_.size() + 1) / 2);
    step_ns_ *= 2;
  }
  auto index = static_cast<std::size_t>(time_ns / step_ns_);
  // Buckets the level crossed without a change held the current level throughout.
  if (index >= points_.size()) points_.resize(index + 1, Point{current_, current_, current_});
  return index;
}

void GaugeSeries::set(std::int64_t time_ns, std::int64_t value) {
  Point& point = points_[bucket_for(time_ns)];
  point.last = value;
  point.min = std::min(point.min, value);
  point.max = std::max(point.max, value);
  current_ = value;
}

std::vector<GaugeSeries::Point> GaugeSeries::points(std::size_t min_buckets) const {
  std::vector<Point> result = points_;
  if (result.size() < min_buckets) result.resize(min_buckets, Point{current_, current_, current_});
  return result;
}

}  // namespace mqttbed::report
