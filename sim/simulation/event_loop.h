// The simulation's single driver: virtual-time timers and in-flight SimGrid transfers,
// run by one actor. Devices, broker and faults are event-driven state machines on it
// (model B of shared/notes/simgrid-scale.md: few actors scale, one actor per device does not).
#pragma once

#include <simgrid/forward.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <queue>
#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Semaphore.hpp>
#include <unordered_map>
#include <vector>

namespace mqttbed::simulation {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::nanoseconds;
using TimerId = std::uint64_t;

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  TimePoint now() const;
  TimerId schedule_at(TimePoint when, std::function<void()> callback);
  TimerId schedule(Duration delay, std::function<void()> callback) {
    return schedule_at(now() + delay, std::move(callback));
  }
  // Cancelling an id that already fired or was cancelled does nothing.
  void cancel(TimerId id);

  // Moves `bytes` from `from` to `to` through SimGrid's network model; `on_arrival` runs
  // when the last byte is there.
  void start_transfer(simgrid::s4u::Host* from, simgrid::s4u::Host* to, std::uint64_t bytes,
                      std::function<void()> on_arrival);

  // Runs timers and transfers until virtual time `end`; call from inside a SimGrid actor.
  void run_until(TimePoint end);

  std::uint64_t events_processed() const { return events_processed_; }
  std::uint64_t transfers_started() const { return transfers_started_; }

  // Called by SimGrid's maestro as a transfer ends, while the driver actor is blocked.
  void on_network_action_done(simgrid::kernel::activity::ActivityImpl* activity);

 private:
  struct Due {
    TimePoint when;
    std::uint64_t order;  // FIFO among timers due at the same instant (determinism)
    std::uint32_t slot;
    std::uint32_t generation;  // the slot's generation when armed: stale once it moves on
    bool operator>(const Due& other) const {
      return when != other.when ? when > other.when : order > other.order;
    }
  };
  // Timer callbacks live in reusable slots; a TimerId is (generation << 32 | slot), so
  // cancelling and firing need no hash lookup (hundreds of thousands of timers at 100k).
  struct Slot {
    std::function<void()> callback;
    std::uint32_t generation = 1;  // from 1: no TimerId is 0, which callers use for "none"
  };
  void release(std::uint32_t slot);
  struct Transfer {
    simgrid::s4u::CommPtr comm;
    std::uint64_t order;  // start order: ties among transfers ending together
    std::function<void()> on_arrival;
  };
  void run_due_timers();
  TimePoint next_timer_time();
  void deliver_arrivals();

  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_order_ = 0;
  // Keyed by SimGrid's kernel activity, which is what the completion signal names.
  std::unordered_map<simgrid::kernel::activity::ActivityImpl*, Transfer> in_flight_;
  std::vector<Transfer> arrived_;
  std::vector<Transfer> delivering_;  // arrived_'s batch while deliver_arrivals() runs it
  simgrid::s4u::SemaphorePtr wake_;
  bool waiting_ = false;
  std::uint64_t events_processed_ = 0;
  std::uint64_t transfers_started_ = 0;
};

}  // namespace mqttbed::simulation
