// One pending timer a device owns: re-arming replaces it, and it is cancelled when the
// owner goes away, so no callback ever reaches a destroyed device.
#pragma once

#include <functional>
#include <optional>

#include "sim/runtime/runtime.h"

namespace mqttbed::devices {

class TimerSlot {
 public:
  explicit TimerSlot(runtime::Runtime& runtime) : runtime_(runtime) {}
  ~TimerSlot() { cancel(); }
  TimerSlot(const TimerSlot&) = delete;
  TimerSlot& operator=(const TimerSlot&) = delete;

  void arm(runtime::Duration delay, std::function<void()> callback) {
    cancel();
    id_ = runtime_.schedule(delay, [this, callback = std::move(callback)] {
      id_.reset();
      callback();
    });
  }
  void cancel() {
    if (id_) runtime_.cancel(*id_);
    id_.reset();
  }
  bool armed() const { return id_.has_value(); }

 private:
  runtime::Runtime& runtime_;
  std::optional<runtime::TimerId> id_;
};

}  // namespace mqttbed::devices
