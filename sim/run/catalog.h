// The device registry seen as the scenario loader's KindCatalog, so scenario files are
// validated against the kinds and parameters that really exist.
#pragma once

#include "sim/scenario/loader.h"

namespace mqttbed::run {

scenario::KindCatalog device_catalog();

}  // namespace mqttbed::run
