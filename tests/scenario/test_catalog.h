// A device-kind catalog for the loader's tests: the kinds and params the scenario files
// use, mirroring devices/registry.cpp without depending on it.
#pragma once

#include "sim/scenario/loader.h"

namespace mqttbed::scenario::testing {

KindCatalog test_catalog();

}  // namespace mqttbed::scenario::testing
