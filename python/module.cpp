// `_mqttbed`: the compiled half of the `mqttbed` Python package (python/mqttbed/).
#include "python/bindings.h"
#include "sim/run/pipeline.h"

PYBIND11_MODULE(_mqttbed, module) {
  module.doc() = "mqttbed's C++ engine: scenario loading, one simulated run, report rendering";
  module.attr("__version__") = mqttbed::run::mqttbed_version();
  mqttbed::python::bind_scenario(module);
  mqttbed::python::bind_run(module);
  mqttbed::python::bind_report(module);
  mqttbed::python::bind_compare(module);
}
