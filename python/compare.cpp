// Compare area: `mqttbed compare` (sim/compare) on scenario text, once per process like a
// run (it simulates the MQTT run first); the `mqttbed` package calls it in its worker child.
#include <pybind11/stl.h>

#include <optional>
#include <stdexcept>

#include "python/bindings.h"
#include "sim/compare/compare_run.h"
#include "sim/run/catalog.h"
#include "sim/scenario/loader.h"

namespace mqttbed::python {
namespace py = pybind11;

void bind_compare(py::module_& module) {
  module.def(
      "compare_scenario_text",
      [](const std::string& text, const std::string& file, std::optional<std::uint64_t> seed,
         const std::string& out_dir, const std::string& transports) {
        scenario::Scenario scenario = run::load_scenario_text(text, file);
        if (seed) scenario.seed = *seed;
        compare::CompareOptions options;
        try {
          options.transports = compare::parse_transports(transports);
        } catch (const compare::TransportSpecError& error) {
          throw py::value_error("transports:" + std::to_string(error.column) + ": " + error.what());
        }
        options.out_dir = out_dir;
        compare::CompareResult result;
        {
          py::gil_scoped_release release;
          result = compare::run_compare(scenario, options);
        }
        return py::dict(py::arg("report_path") = result.report_json,
                        py::arg("html_path") = result.report_html,
                        py::arg("summary") = result.table);
      },
      py::arg("text"), py::arg("file"), py::arg("seed") = std::nullopt, py::arg("out_dir") = "",
      py::arg("transports") = "",
      "Runs `mqttbed compare` once in THIS process; use mqttbed.compare() instead.");
}

}  // namespace mqttbed::python
