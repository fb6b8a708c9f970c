// The one-line progress display of `mqttbed run` on a terminal: virtual time reached,
// clients connected, events and events per wall second, redrawn at most a few times a second.
#pragma once

#include <chrono>
#include <cstdio>

#include "sim/fleet/run_contract.h"

namespace mqttbed::cli {

class ProgressLine {
 public:
  explicit ProgressLine(std::FILE* out) : out_(out) {}
  void update(const fleet::Progress& progress);
  void finish();

 private:
  std::FILE* out_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;
};

}  // namespace mqttbed::cli
