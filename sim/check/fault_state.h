// Which faults are under way, read from the fault events ("begin KIND TARGET" / "end KIND
// TARGET", as the fault injector records them): lets checkers call "indeterminate" what a
// fault may explain instead of blaming the broker. A fault recorded against one client
// disturbs only that client; one recorded against "*" (many targets, broker) disturbs all.
// A graceful disconnect is an MQTT operation, not a disturbance: it is ignored.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>

#include "sim/history/event.h"
#include "sim/history/history.h"

namespace mqttbed::check {

class FaultState {
 public:
  void observe(const history::Event& event, const history::History& history) {
    if (event.type != history::EventType::fault) return;
    const std::string& text = history.string(event.detail);
    if (text.find("graceful") != std::string::npos) return;
    const bool begins = text.rfind("begin", 0) == 0;
    const bool crash = text.find("broker_crash") != std::string::npos;
    Window& window = history.client_name(event.client) == "*" ? all_ : by_client_[event.client];
    if (begins) {
      ++window.active;
      if (crash) last_crash_ns_ = event.time_ns;
    } else if (text.rfind("end", 0) == 0 && window.active > 0) {
      --window.active;
    }
    window.last_change_ns = event.time_ns;
  }
  // Is a fault that concerns `client` under way?
  bool active(std::uint32_t client) const { return all_.active > 0 || of(client).active > 0; }
  // Was a fault that concerns `client` under way at some moment of [from_ns, now]?
  bool disturbed_since(std::int64_t from_ns, std::uint32_t client) const {
    const Window& own = of(client);
    return all_.active > 0 || all_.last_change_ns >= from_ns || own.active > 0 ||
           own.last_change_ns >= from_ns;
  }
  // Did a broker crash begin at or after `from_ns`?
  bool crashed_since(std::int64_t from_ns) const { return last_crash_ns_ >= from_ns; }

 private:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::min();
  struct Window {
    int active = 0;
    std::int64_t last_change_ns = kNever;
  };
  const Window& of(std::uint32_t client) const {
    static const Window kNone;
    auto it = by_client_.find(client);
    return it == by_client_.end() ? kNone : it->second;
  }
  Window all_;
  std::map<std::uint32_t, Window> by_client_;
  std::int64_t last_crash_ns_ = kNever;
};

}  // namespace mqttbed::check
