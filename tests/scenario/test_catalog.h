// A device-kind catalog for the loader's tests: the kinds and params the scenario files
// use, mirroring devices/registry.cpp without depending on it.
#pragma once

#include "sim/check/check_catalog.h"
#include "sim/scenario/loader.h"

namespace mqttbed::scenario::testing {

KindCatalog test_kinds();

// The test kinds with the real check catalog's names.
inline Catalog test_catalog() { return {test_kinds(), check::scenario_check_names()}; }

}  // namespace mqttbed::scenario::testing
