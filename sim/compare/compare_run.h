// `mqttbed compare`: run a scenario once over MQTT in simulation, replay its workload over
// each transport (replay.h), and write report.json and report.html side by side.
#pragma once

#include <string>
#include <vector>

#include "sim/compare/replay.h"
#include "sim/compare/transport_spec.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::compare {

struct CompareOptions {
  std::vector<TransportSpec> transports;
  std::string out_dir;  // empty: runs/<name>-<seed>-compare/
  RadioChoice radios;
};

struct CompareResult {
  std::string report_json;
  std::string report_html;
  std::string table;  // for the terminal
};

CompareResult run_compare(const scenario::Scenario& scenario, const CompareOptions& options);

}  // namespace mqttbed::compare
