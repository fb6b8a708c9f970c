// The shipped scenarios against the real device registry (not the test catalog): a renamed
// or re-ranged device parameter must fail here rather than at `mqttbed run`.
#include <gtest/gtest.h>

#include <filesystem>

#include "devices/registry.h"
#include "sim/check/check_catalog.h"
#include "sim/scenario/loader.h"

namespace mqttbed::scenario {
namespace {

TEST(ExampleScenarios, EveryFileLoadsWithTheRealDeviceRegistry) {
  const Catalog catalog = {devices::kind_catalog(), check::scenario_check_names()};
  int loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(MQTTBED_SOURCE_DIR "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    EXPECT_NO_THROW(load_scenario_file(entry.path().string(), catalog));
    ++loaded;
  }
  EXPECT_GE(loaded, 5);
}

}  // namespace
}  // namespace mqttbed::scenario
