// Report area: the HTML fleet report of one run or two runs compared (reports/renderer).
#include <pybind11/stl.h>

#include "python/bindings.h"
#include "reports/renderer/report_html.h"
#include "sim/report/atomic_file.h"
#include "sim/run/pipeline.h"

namespace mqttbed::python {
namespace py = pybind11;

void bind_report(py::module_& module) {
  py::register_exception<reports::ReportHtmlError>(module, "ReportError", PyExc_ValueError);
  py::register_exception<report::WriteError>(module, "WriteError", PyExc_OSError);
  module.def(
      "write_report_html",
      [](const std::vector<std::string>& report_paths, const std::string& html_path) {
        std::string path = html_path.empty() ? reports::default_html_path(report_paths) : html_path;
        reports::write_report_html(path, report_paths, run::mqttbed_version());
        return path;
      },
      py::arg("report_paths"), py::arg("html_path") = "",
      "Writes the self-contained HTML report of one or two report.json files; returns its path.");
}

}  // namespace mqttbed::python
