// The device registry and the check catalog seen as the scenario loader's Catalog, and the
// one call that loads a scenario fully validated (kinds, parameters, checks, metrics).
#pragma once

#include <string>

#include "sim/scenario/loader.h"

namespace mqttbed::run {

scenario::Catalog catalog();

// Loads and validates a scenario against the real device kinds and the known `expect:`
// metrics; throws scenario::ScenarioError (file:line:col) on any problem.
scenario::Scenario load_scenario(const std::string& path);
// The same for YAML text; `file` names it in errors.
scenario::Scenario load_scenario_text(const std::string& text, const std::string& file);

}  // namespace mqttbed::run
