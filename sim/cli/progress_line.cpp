#include "sim/cli/progress_line.h"

namespace mqttbed::cli {

namespace {
double seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }
}  // namespace

void ProgressLine::update(const fleet::Progress& progress) {
  auto now = std::chrono::steady_clock::now();
  // Quiet for the first two seconds: short runs print nothing but their verdict.
  if (now - started_ < std::chrono::seconds(2) || now - last_draw_ < std::chrono::milliseconds(250))
    return;
  last_draw_ = now;
  double wall = std::chrono::duration<double>(now - started_).count();
  std::fprintf(out_,
               "\r  virtual %7.0fs / %.0fs (%3.0f%%)  connected %7llu  events %10llu  %8.0f/s  ",
               seconds(progress.now), seconds(progress.end),
               100.0 * seconds(progress.now) / seconds(progress.end),
               static_cast<unsigned long long>(progress.connected_clients),
               static_cast<unsigned long long>(progress.events),
               static_cast<double>(progress.events) / wall);
  std::fflush(out_);
  drawn_ = true;
}

void ProgressLine::finish() {
  if (drawn_) std::fputs("\n", out_);
}

}  // namespace mqttbed::cli
