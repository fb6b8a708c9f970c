// The device registry seen as the scenario loader's KindCatalog, and the one call that
// loads a scenario fully validated (kinds, parameters, expectation metrics).
#pragma once

#include <string>

#include "sim/scenario/loader.h"

namespace mqttbed::run {

scenario::KindCatalog device_catalog();

// Loads and validates a scenario against the real device kinds and the known `expect:`
// metrics; throws scenario::ScenarioError (file:line:col) on any problem.
scenario::Scenario load_scenario(const std::string& path);

}  // namespace mqttbed::run
