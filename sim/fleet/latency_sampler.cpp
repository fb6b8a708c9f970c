#include "sim/fleet/latency_sampler.h"

#include <algorithm>
#include <cmath>

namespace mqttbed::fleet {

using scenario::Duration;
using Kind = scenario::LatencyDist::Kind;

namespace {
Duration from_seconds(double s) {
  return Duration(static_cast<std::int64_t>(std::max(0.0, s) * 1e9));
}
double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }
}  // namespace

Duration latency_floor(const scenario::LatencyDist& dist) {
  switch (dist.kind) {
    case Kind::constant:
      return dist.value;
    case Kind::uniform:
      return dist.min;
    case Kind::pareto:
      return dist.scale;
    case Kind::normal:  // unbounded below: keep everything in the sampled part
    case Kind::lognormal:
      return Duration(0);
  }
  return Duration(0);
}

Duration sample_latency_excess(const scenario::LatencyDist& dist, runtime::Rng& rng) {
  double sample = 0;
  switch (dist.kind) {
    case Kind::constant:
      sample = seconds(dist.value);
      break;
    case Kind::uniform:
      sample = std::uniform_real_distribution<double>(seconds(dist.min), seconds(dist.max))(rng);
      break;
    case Kind::normal:
      sample = std::normal_distribution<double>(seconds(dist.mean), seconds(dist.stddev))(rng);
      break;
    case Kind::lognormal:
      sample = std::lognormal_distribution<double>(std::log(seconds(dist.median)), dist.sigma)(rng);
      break;
    case Kind::pareto: {
      // Inverse CDF: x_m / U^(1/alpha), U in (0,1].
      double u = 1.0 - std::uniform_real_distribution<double>(0.0, 1.0)(rng);
      sample = seconds(dist.scale) / std::pow(u, 1.0 / dist.shape);
      break;
    }
  }
  if (dist.jitter.count() > 0)
    sample += std::uniform_real_distribution<double>(0.0, seconds(dist.jitter))(rng);
  return from_seconds(sample - seconds(latency_floor(dist)));
}

}  // namespace mqttbed::fleet
