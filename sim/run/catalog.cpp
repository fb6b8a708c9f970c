#include "sim/run/catalog.h"

#include "devices/registry.h"
#include "sim/check/check_catalog.h"
#include "sim/report/expectations.h"

namespace mqttbed::run {

scenario::Catalog catalog() { return {devices::kind_catalog(), check::scenario_check_names()}; }

}  // namespace mqttbed::run

namespace mqttbed::run {

scenario::Scenario load_scenario(const std::string& path) {
  scenario::Scenario scenario = scenario::load_scenario_file(path, catalog());
  report::validate_expectation_metrics(scenario);
  return scenario;
}

scenario::Scenario load_scenario_text(const std::string& text, const std::string& file) {
  scenario::Scenario scenario = scenario::load_scenario_text(text, file, catalog());
  report::validate_expectation_metrics(scenario);
  return scenario;
}

}  // namespace mqttbed::run
