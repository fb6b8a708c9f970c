// Replays one MQTT run's workload (workload.h) over one transport's byte and timing model:
// bytes on the wire per device (payload vs overhead), packets, command and telemetry
// latency, messages superseded or undelivered by polling, server connections and requests,
// and each device's radio usage. Deterministic for a given workload, scenario and seed.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/compare/transport_spec.h"
#include "sim/compare/workload.h"
#include "sim/scenario/scenario.h"
#include "sim/transport/radio.h"
#include "sim/transport/wire.h"

namespace mqttbed::compare {

struct RadioChoice {
  transport::RadioParams home = transport::wifi_psm_radio();
  transport::RadioParams phone = transport::lte_radio();
  double battery_wh = 9.25;  // 2,500 mAh at 3.7 V
};

struct KindResult {
  std::uint64_t devices = 0;
  transport::WireCost wire;     // all devices of the kind, whole run, first connection aside
  transport::WireCost startup;  // each device's first connection setup (TCP, TLS, upgrade,
                                // HTTP/2 preface, MQTT CONNECT): once, not per day
  double radio_on_s = 0;        // summed over the kind's devices
  double radio_energy_j = 0;
  double radio_above_idle_j = 0;
  std::uint64_t promotions = 0;
};

struct TransportResult {
  TransportSpec spec;
  std::map<std::string, KindResult> kinds;  // device kinds; cloud services excluded
  std::vector<double> command_latency_s;    // cloud/app -> home device, sorted
  std::vector<double> telemetry_latency_s;  // home device -> server, sorted
  std::uint64_t delivered = 0;              // messages a device received
  std::uint64_t superseded = 0;             // a newer value on the topic replaced it before a poll
  std::uint64_t undelivered = 0;            // still waiting for a poll when the run ended
  double staleness_s = 0;        // summed: how much later than over MQTT a message arrived
  std::uint64_t requests = 0;    // HTTP requests; MQTT: control packets the server read
  std::uint64_t handshakes = 0;  // TCP connections opened
  double connections_mean = 0;   // server-side, time-averaged
  std::uint64_t connections_max = 0;
};

TransportResult replay(const TransportSpec& spec, const Workload& workload,
                       const scenario::Scenario& scenario, const RadioChoice& radios);

}  // namespace mqttbed::compare
