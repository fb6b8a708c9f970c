#include "sim/run/catalog.h"

#include "devices/registry.h"
#include "sim/report/expectations.h"

namespace mqttbed::run {

scenario::KindCatalog device_catalog() { return devices::kind_catalog(); }

}  // namespace mqttbed::run

namespace mqttbed::run {

scenario::Scenario load_scenario(const std::string& path) {
  scenario::Scenario scenario = scenario::load_scenario_file(path, device_catalog());
  report::validate_expectation_metrics(scenario);
  return scenario;
}

scenario::Scenario load_scenario_text(const std::string& text, const std::string& file) {
  scenario::Scenario scenario = scenario::load_scenario_text(text, file, device_catalog());
  report::validate_expectation_metrics(scenario);
  return scenario;
}

}  // namespace mqttbed::run
