// Verdicts as JSON (for report.json and the Python bindings) and as a terminal summary.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/check/checker.h"

namespace mqttbed::check {

// {"guarantee","passed","counts":{checked,ok,lost,duplicated,unexpected,indeterminate},
//  "violation_count","violations":[{invariant,spec,clients,topic,messages,excerpt}]}
nlohmann::json to_json(const Verdict& verdict);
nlohmann::json to_json(const std::vector<Verdict>& verdicts);
// The inverse of to_json (so a report can be read back); throws nlohmann::json::exception.
Verdict verdict_from_json(const nlohmann::json& json);

// Did every guarantee hold?
bool all_passed(const std::vector<Verdict>& verdicts);

// One line per guarantee ("PASS qos1  checked 1200  ok 1200  lost 0 ..."), then the first
// `max_violations` violations with their excerpts.
std::string format_summary(const std::vector<Verdict>& verdicts, std::size_t max_violations = 5);

}  // namespace mqttbed::check
