#include "sim/live/live_loop.h"

namespace mqttbed::live {

LiveLoop::LiveLoop() : start_(std::chrono::steady_clock::now()) {}

TimePoint LiveLoop::now() const {
  return std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - start_);
}

TimerId LiveLoop::schedule_at(TimePoint when, std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  TimerId id = next_id_++;
  callbacks_.emplace(id, std::move(callback));
  due_.push(Due{when, id, id});
  wake_.notify_one();
  return id;
}

void LiveLoop::cancel(TimerId id) {
  std::lock_guard lock(mutex_);
  callbacks_.erase(id);
}

void LiveLoop::post(std::function<void()> work) {
  std::lock_guard lock(mutex_);
  posted_.push_back(std::move(work));
  wake_.notify_one();
}

void LiveLoop::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  wake_.notify_one();
}

void LiveLoop::run_until(TimePoint end) {
  std::unique_lock lock(mutex_);
  while (!stopped_) {
    TimePoint current = now();
    if (current >= end) break;
    std::function<void()> work;
    if (!posted_.empty()) {
      work = std::move(posted_.front());
      posted_.pop_front();
    } else if (!due_.empty() && due_.top().when <= current) {
      TimerId id = due_.top().id;
      due_.pop();
      auto it = callbacks_.find(id);
      if (it == callbacks_.end()) continue;  // cancelled
      work = std::move(it->second);
      callbacks_.erase(it);
    } else {
      TimePoint next = due_.empty() ? end : std::min(end, due_.top().when);
      wake_.wait_for(lock, next - current);
      continue;
    }
    lock.unlock();
    ++events_processed_;
    work();
    lock.lock();
  }
}

}  // namespace mqttbed::live
