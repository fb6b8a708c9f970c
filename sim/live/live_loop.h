// The live runtime's event loop: real-time timers on steady_clock, run on one thread where
// every device callback happens. Other threads (Paho's, the fault proxy's) only post() work.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <queue>
#include <unordered_map>
#include <vector>

namespace mqttbed::live {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::nanoseconds;  // since the loop was created
using TimerId = std::uint64_t;

class LiveLoop {
 public:
  LiveLoop();

  // Loop time 0 is when the loop was made, or `start` from here on: the processes of a
  // sharded live run share one (steady_clock is system-wide), so their histories merge in
  // time order. Call before anything is scheduled.
  void start_clock_at(std::chrono::steady_clock::time_point start) { start_ = start; }

  TimePoint now() const;
  // Thread-safe; callbacks run on the thread inside run_until().
  TimerId schedule_at(TimePoint when, std::function<void()> callback);
  TimerId schedule(Duration delay, std::function<void()> callback) {
    return schedule_at(now() + delay, std::move(callback));
  }
  void cancel(TimerId id);
  // Runs `work` on the loop as soon as possible, after work posted before it (FIFO), so the
  // order in which Paho reports a connection's events is the order devices see them.
  void post(std::function<void()> work);

  // Runs timers and posted work until `end` (loop time); returns early after stop().
  void run_until(TimePoint end);
  void stop();

  std::uint64_t events_processed() const { return events_processed_; }

 private:
  struct Due {
    TimePoint when;
    std::uint64_t order;
    TimerId id;
    bool operator>(const Due& other) const {
      return when != other.when ? when > other.when : order > other.order;
    }
  };

  std::chrono::steady_clock::time_point start_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;
  std::unordered_map<TimerId, std::function<void()>> callbacks_;
  std::deque<std::function<void()>> posted_;
  TimerId next_id_ = 1;
  bool stopped_ = false;
  std::uint64_t events_processed_ = 0;
};

}  // namespace mqttbed::live
