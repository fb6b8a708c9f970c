// Nanoseconds to the seconds the report and `expect:` values use.
#pragma once

#include <chrono>
#include <cstdint>

namespace mqttbed::report {

// Division, not multiplication by 1e-9: dividing by the exact 1e9 rounds once, so 50 ms
// becomes the double nearest 0.05 and prints as "0.05" in report.json.
inline double to_seconds(double ns) { return ns / 1e9; }
inline double to_seconds(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }
inline double to_seconds(std::chrono::nanoseconds duration) { return to_seconds(duration.count()); }

}  // namespace mqttbed::report
