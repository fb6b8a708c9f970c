// Which faults are under way, read from the fault events ("begin KIND TARGET" / "end KIND
// TARGET", as the fault injector records them): lets checkers call "indeterminate" what a
// fault may explain instead of blaming the broker.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include "sim/history/event.h"
#include "sim/history/history.h"

namespace mqttbed::check {

class FaultState {
 public:
  void observe(const history::Event& event, const history::History& history) {
    if (event.type != history::EventType::fault) return;
    const std::string& text = history.string(event.detail);
    const bool begins = text.rfind("begin", 0) == 0;
    const bool crash = text.find("broker_crash") != std::string::npos;
    if (begins) {
      ++active_;
      if (crash) last_crash_ns_ = event.time_ns;
    } else if (text.rfind("end", 0) == 0 && active_ > 0) {
      --active_;
    }
    last_change_ns_ = event.time_ns;
  }
  bool active() const { return active_ > 0; }
  // Was any fault under way at some moment of [from_ns, now]?
  bool disturbed_since(std::int64_t from_ns) const {
    return active_ > 0 || last_change_ns_ >= from_ns;
  }
  // Did a broker crash begin at or after `from_ns`?
  bool crashed_since(std::int64_t from_ns) const { return last_crash_ns_ >= from_ns; }

 private:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::min();
  int active_ = 0;
  std::int64_t last_change_ns_ = kNever;
  std::int64_t last_crash_ns_ = kNever;
};

}  // namespace mqttbed::check
