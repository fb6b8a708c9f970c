// The comparison report: report.json (a row per transport: bytes per device per day split
// payload/overhead, packets, latencies with their CDF, messages superseded or undelivered,
// server connections and requests, radio time, energy and battery life, what the checkers
// can judge) and a self-contained report.html with the table and charts.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/check/checker.h"
#include "sim/compare/replay.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::compare {

nlohmann::json comparison_json(const scenario::Scenario& scenario, double end_s,
                               const std::vector<TransportResult>& results,
                               const std::vector<check::Verdict>& verdicts,
                               const RadioChoice& radios);
std::string comparison_html(const nlohmann::json& report);
std::string comparison_table(const nlohmann::json& report);

}  // namespace mqttbed::compare
