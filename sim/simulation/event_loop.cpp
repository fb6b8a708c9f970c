#include "sim/simulation/event_loop.h"

#include <cmath>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

namespace mqttbed::simulation {

namespace {
double to_seconds(Duration d) { return std::chrono::duration<double>(d).count(); }
}  // namespace

TimePoint EventLoop::now() const {
  return TimePoint(std::llround(simgrid::s4u::Engine::get_clock() * 1e9));
}

TimerId EventLoop::schedule_at(TimePoint when, std::function<void()> callback) {
  TimerId id = next_id_++;
  callbacks_.emplace(id, std::move(callback));
  due_.push(Due{when, id, id});
  return id;
}

void EventLoop::start_transfer(simgrid::s4u::Host* from, simgrid::s4u::Host* to,
                               std::uint64_t bytes, std::function<void()> on_arrival) {
  in_flight_.push_back(simgrid::s4u::Comm::sendto_async(from, to, bytes));
  on_arrival_.push_back(std::move(on_arrival));
  ++transfers_started_;
}

TimePoint EventLoop::next_timer_time() {
  while (!due_.empty() && callbacks_.count(due_.top().id) == 0) due_.pop();  // cancelled
  return due_.empty() ? TimePoint::max() : due_.top().when;
}

void EventLoop::run_due_timers() {
  TimePoint current = now();
  while (next_timer_time() <= current) {
    TimerId id = due_.top().id;
    due_.pop();
    auto node = callbacks_.extract(id);
    ++events_processed_;
    node.mapped()();
  }
}

void EventLoop::run_until(TimePoint end) {
  for (;;) {
    run_due_timers();
    TimePoint current = now();
    if (current >= end) break;
    TimePoint wake = std::min(next_timer_time(), end);
    if (in_flight_.empty()) {
      simgrid::s4u::this_actor::sleep_until(to_seconds(wake));
      continue;
    }
    // Comm::wait_any_for scans what is in flight; in a steady fleet that is a few hundred.
    ssize_t done = simgrid::s4u::Comm::wait_any_for(in_flight_, to_seconds(wake - current));
    if (done < 0) continue;
    auto index = static_cast<std::size_t>(done);
    std::function<void()> arrival = std::move(on_arrival_[index]);
    in_flight_[index] = std::move(in_flight_.back());
    in_flight_.pop_back();
    on_arrival_[index] = std::move(on_arrival_.back());
    on_arrival_.pop_back();
    ++events_processed_;
    arrival();
  }
}

}  // namespace mqttbed::simulation
