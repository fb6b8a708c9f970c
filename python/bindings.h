// The pieces of the `_mqttbed` extension module, one per area, each thin over the C++ API.
#pragma once

#include <pybind11/pybind11.h>

namespace mqttbed::python {

void bind_scenario(pybind11::module_& module);
void bind_run(pybind11::module_& module);
void bind_report(pybind11::module_& module);
void bind_compare(pybind11::module_& module);

}  // namespace mqttbed::python
