#include "sim/simulation/event_loop.h"

#include <algorithm>
#include <cmath>
#include <simgrid/kernel/resource/Action.hpp>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Link.hpp>

namespace mqttbed::simulation {

namespace {
double to_seconds(Duration d) { return std::chrono::duration<double>(d).count(); }
}  // namespace

// Transfers are not collected with Comm::wait_any_for: it registers with and scans every
// transfer in flight on each call, which made a 100k-device fleet quadratic (bench/RESULTS.md).
// Instead SimGrid's network-action signal (fired by the kernel as a transfer ends) files the
// transfer as arrived and wakes the driver through a semaphore: O(1) per transfer.
// FAILED cannot happen here (no link or host is ever turned off); it is filed like an ending
// so that the driver could never wait for it forever.
namespace {
// The signal is process-wide and has no public disconnect in SimGrid 3.32: it is connected
// once and forwards to the loop of the running simulation (SimGrid allows one per process).
EventLoop* running_loop = nullptr;
}  // namespace

EventLoop::EventLoop() {
  static const bool connected = [] {
    simgrid::s4u::Link::on_communication_state_change_cb(
        [](simgrid::kernel::resource::NetworkAction& action,
           simgrid::kernel::resource::Action::State) {
          // NetworkAction's definition is not installed; it derives from Action alone (first
          // base at offset 0 in the Itanium C++ ABI), so its Action part has the same address.
          auto& base = reinterpret_cast<simgrid::kernel::resource::Action&>(action);
          using State = simgrid::kernel::resource::Action::State;
          State state = base.get_state();
          if (running_loop != nullptr && (state == State::FINISHED || state == State::FAILED))
            running_loop->on_network_action_done(base.get_activity());
        });
    return true;
  }();
  (void)connected;
  running_loop = this;
}

EventLoop::~EventLoop() {
  if (running_loop == this) running_loop = nullptr;
}

TimePoint EventLoop::now() const {
  return TimePoint(std::llround(simgrid::s4u::Engine::get_clock() * 1e9));
}

TimerId EventLoop::schedule_at(TimePoint when, std::function<void()> callback) {
  std::uint32_t slot;
  if (free_slots_.empty()) {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  Slot& entry = slots_[slot];
  entry.callback = std::move(callback);
  due_.push(Due{when, next_order_++, slot, entry.generation});
  return (static_cast<TimerId>(entry.generation) << 32) | slot;
}

void EventLoop::cancel(TimerId id) {
  auto slot = static_cast<std::uint32_t>(id & 0xffffffffU);
  auto generation = static_cast<std::uint32_t>(id >> 32);
  if (slot < slots_.size() && slots_[slot].generation == generation) release(slot);
}

void EventLoop::release(std::uint32_t slot) {
  Slot& entry = slots_[slot];
  entry.callback = nullptr;
  ++entry.generation;
  free_slots_.push_back(slot);
}

void EventLoop::start_transfer(simgrid::s4u::Host* from, simgrid::s4u::Host* to,
                               std::uint64_t bytes, std::function<void()> on_arrival) {
  simgrid::s4u::CommPtr comm = simgrid::s4u::Comm::sendto_async(from, to, bytes);
  auto* activity = comm->get_impl();
  in_flight_.emplace(activity,
                     Transfer{std::move(comm), transfers_started_++, std::move(on_arrival)});
}

// Only files the transfer: its on_arrival runs later, on the driver actor.
void EventLoop::on_network_action_done(simgrid::kernel::activity::ActivityImpl* activity) {
  auto it = in_flight_.find(activity);
  if (it == in_flight_.end()) return;
  arrived_.push_back(std::move(it->second));
  in_flight_.erase(it);
  if (waiting_) {
    waiting_ = false;
    wake_->release();
  }
}

TimePoint EventLoop::next_timer_time() {
  while (!due_.empty() && slots_[due_.top().slot].generation != due_.top().generation)
    due_.pop();  // cancelled
  return due_.empty() ? TimePoint::max() : due_.top().when;
}

void EventLoop::run_due_timers() {
  TimePoint current = now();
  while (next_timer_time() <= current) {
    std::uint32_t slot = due_.top().slot;
    due_.pop();
    std::function<void()> callback = std::move(slots_[slot].callback);
    release(slot);
    ++events_processed_;
    callback();
  }
}

void EventLoop::deliver_arrivals() {
  // Swapped with a kept vector, not a fresh one: both keep their capacity, so a wake (one per
  // few packets) allocates nothing.
  delivering_.swap(arrived_);
  std::sort(delivering_.begin(), delivering_.end(),
            [](const Transfer& a, const Transfer& b) { return a.order < b.order; });
  for (Transfer& transfer : delivering_) {
    ++events_processed_;
    transfer.on_arrival();
    run_due_timers();
  }
  delivering_.clear();
}

void EventLoop::run_until(TimePoint end) {
  if (!wake_) wake_ = simgrid::s4u::Semaphore::create(0);
  for (;;) {
    run_due_timers();
    if (!arrived_.empty()) {
      deliver_arrivals();
      continue;
    }
    TimePoint current = now();
    if (current >= end) break;
    TimePoint wake = std::min(next_timer_time(), end);
    waiting_ = true;
    wake_->acquire_timeout(to_seconds(wake - current));
    waiting_ = false;
  }
}

}  // namespace mqttbed::simulation
