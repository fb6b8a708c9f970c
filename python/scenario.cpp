// Scenario area: load and validate a scenario with the C++ loader (the only YAML reader),
// returning a summary of what it describes. Loader errors become mqttbed.ScenarioError, a
// ValueError whose message is the CLI's "file:line:col: key.path: found X, expected Y".
#include <pybind11/stl.h>

#include "python/bindings.h"
#include "sim/report/expectations.h"
#include "sim/run/catalog.h"
#include "sim/scenario/loader.h"

namespace mqttbed::python {
namespace py = pybind11;
namespace {

double seconds(scenario::Duration duration) {
  return std::chrono::duration<double>(duration).count();
}

py::list groups(const std::vector<scenario::DeviceGroup>& groups) {
  py::list list;
  for (const auto& group : groups)
    list.append(py::dict(py::arg("kind") = group.kind, py::arg("count") = group.count));
  return list;
}

// What a caller wants to see of a loaded scenario; the rest stays in its YAML.
py::dict summary(const scenario::Scenario& s) {
  long long per_home = 0, per_account = 0;
  for (const auto& group : s.fleet.per_home) per_home += group.count;
  for (const auto& group : s.fleet.per_account) per_account += group.count;
  long long accounts = (s.fleet.homes + s.fleet.homes_per_account - 1) / s.fleet.homes_per_account;
  py::list checks = py::cast(s.checks), faults;
  for (const auto& fault : s.faults)
    faults.append(py::dict(py::arg("kind") = scenario::to_string(fault.kind),
                           py::arg("target") = fault.target.text));
  return py::dict(py::arg("name") = s.name, py::arg("file") = s.file, py::arg("seed") = s.seed,
                  py::arg("duration_s") = seconds(s.duration),
                  py::arg("settle_s") = seconds(s.settle), py::arg("homes") = s.fleet.homes,
                  py::arg("accounts") = accounts, py::arg("per_home") = groups(s.fleet.per_home),
                  py::arg("per_account") = groups(s.fleet.per_account),
                  py::arg("clients") = s.fleet.homes * per_home + accounts * per_account,
                  py::arg("faults") = faults, py::arg("checks") = checks);
}

}  // namespace

void bind_scenario(py::module_& module) {
  static py::exception<scenario::ScenarioError> error(module, "ScenarioError", PyExc_ValueError);
  // pybind11's translator type takes the exception_ptr by value.
  py::register_exception_translator([](std::exception_ptr pointer) {  // NOLINT
    try {
      if (pointer) std::rethrow_exception(pointer);
    } catch (const scenario::ScenarioError& e) {
      error(e.what());
    }
  });
  module.def(
      "load_scenario_file",
      [](const std::string& path) { return summary(run::load_scenario(path)); }, py::arg("path"),
      "Loads and validates a scenario file; returns its summary.");
  module.def(
      "load_scenario_text",
      [](const std::string& text, const std::string& file) {
        return summary(run::load_scenario_text(text, file));
      },
      py::arg("text"), py::arg("file"),
      "Loads and validates scenario YAML text (`file` names it in errors); returns its summary.");
  module.def("known_metric_paths", &report::known_metric_paths,
             "The metric paths an `expect:` entry may name.");
}

}  // namespace mqttbed::python
