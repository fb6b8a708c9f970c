// A device radio's power states, driven by when it sends or receives: promotion from idle
// before the first bytes, full power while active, a tail at high power after the last
// bytes until the inactivity timer drops it back to idle. One model covers LTE RRC
// (RRC_IDLE -> RRC_CONNECTED, inactivity tail; 3GPP TS 36.331 §5.3) and Wi-Fi power save
// (PSM: wake, transfer, stay awake for the PSM timeout). Defaults are published
// measurements (docs/compare.md cites them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mqttbed::transport {

struct RadioParams {
  std::string name;
  double promotion_s = 0;  // idle -> active before data can flow
  double promotion_mw = 0;
  double active_mw = 0;  // while bytes flow
  double tail_s = 0;     // inactivity timer after the last bytes
  double tail_mw = 0;
  double idle_mw = 0;  // average in idle (paging / beacon wake-ups included)
};

// Huang et al., "A Close Examination of Performance and Power Characteristics of 4G LTE
// Networks", MobiSys 2012, Table 3 (LTE and WiFi rows).
RadioParams lte_radio();
RadioParams wifi_psm_radio();
// "lte" or "wifi"; throws std::invalid_argument otherwise.
RadioParams radio_by_name(const std::string& name);

// One burst of traffic on the device's link: [start, end] in seconds.
struct Burst {
  double start = 0;
  double end = 0;
};

struct RadioUsage {
  std::uint64_t promotions = 0;
  double promotion_s = 0;
  double active_s = 0;
  double tail_s = 0;
  double idle_s = 0;
  double energy_j = 0;
  // Energy beyond idling the whole time: what the traffic itself cost. Idle power is the
  // same for every transport and dominates Wi-Fi, so this is the part that compares.
  double above_idle_j = 0;
  double on_s() const { return promotion_s + active_s + tail_s; }
};

// Runs the state machine over `bursts` (sorted by start) within [0, horizon_s]: a burst
// starting in idle pays a promotion; one starting within the tail cuts it short and needs
// none; overlapping bursts merge.
RadioUsage radio_usage(const RadioParams& radio, std::vector<Burst> bursts, double horizon_s);

}  // namespace mqttbed::transport
