#include "sim/transport/radio.h"

#include <algorithm>
#include <stdexcept>

namespace mqttbed::transport {

RadioParams lte_radio() {
  // Promotion 260.1 ms at 1210.7 mW; tail timer 11.576 s at 1060.0 mW; RRC_IDLE with DRX
  // averaging 11.4 mW; active taken at the tail's base power (the throughput-dependent part
  // is negligible for messages of a few hundred bytes).
  return {"lte", 0.2601, 1210.7, 1060.0, 11.576, 1060.0, 11.4};
}

RadioParams wifi_psm_radio() {
  // Promotion 79.1 ms at 124.4 mW; tail 238.1 ms at 119.3 mW; PSM idle 77.2 mW (a phone's
  // Wi-Fi; an IoT module sleeps lower, set idle_mw for it); active at the tail's power.
  return {"wifi", 0.0791, 124.4, 119.3, 0.2381, 119.3, 77.2};
}

RadioParams radio_by_name(const std::string& name) {
  if (name == "lte") return lte_radio();
  if (name == "wifi") return wifi_psm_radio();
  throw std::invalid_argument("unknown radio '" + name + "' (expected lte or wifi)");
}

RadioUsage radio_usage(const RadioParams& radio, std::vector<Burst> bursts, double horizon_s) {
  std::sort(bursts.begin(), bursts.end(),
            [](const Burst& a, const Burst& b) { return a.start < b.start; });
  RadioUsage usage;
  double active_until = -1;  // end of the current active period; -1: idle since the start
  double accounted = 0;      // time before which every second is attributed
  auto close_tail = [&](double until) {
    // From active_until: tail up to `until` or its timer, then idle.
    double tail = std::min(radio.tail_s, std::max(0.0, until - active_until));
    usage.tail_s += tail;
    usage.idle_s += std::max(0.0, until - active_until - tail);
  };
  for (const Burst& burst : bursts) {
    if (burst.start >= horizon_s) break;
    double start = std::max(burst.start, accounted);
    double end = std::min(std::max(burst.end, start), horizon_s);
    if (active_until >= 0 && start <= active_until) {  // merges with the active period
      usage.active_s += std::max(0.0, end - active_until);
      active_until = std::max(active_until, end);
      accounted = active_until;
      continue;
    }
    bool in_tail = active_until >= 0 && start - active_until < radio.tail_s;
    if (active_until >= 0)
      close_tail(start);
    else
      usage.idle_s += start;
    if (!in_tail) {
      ++usage.promotions;
      usage.promotion_s += radio.promotion_s;
    }
    usage.active_s += end - start;
    active_until = end;
    accounted = end;
  }
  if (active_until >= 0)
    close_tail(horizon_s);
  else
    usage.idle_s += horizon_s;
  // A promotion happens before its burst; its seconds were counted as idle or tail there.
  usage.idle_s = std::max(0.0, usage.idle_s - usage.promotion_s);
  usage.energy_j = (usage.promotion_s * radio.promotion_mw + usage.active_s * radio.active_mw +
                    usage.tail_s * radio.tail_mw + usage.idle_s * radio.idle_mw) /
                   1000.0;
  usage.above_idle_j = (usage.promotion_s * (radio.promotion_mw - radio.idle_mw) +
                        usage.active_s * (radio.active_mw - radio.idle_mw) +
                        usage.tail_s * (radio.tail_mw - radio.idle_mw)) /
                       1000.0;
  return usage;
}

}  // namespace mqttbed::transport
