// libFuzzer target for the scenario loader: any input must either load or fail with a
// ScenarioError. Another exception escaping, a crash or a sanitizer report is a bug.
// Built and run by scripts/fuzz-scenario.sh (not part of the CMake build).
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/scenario/loader.h"
#include "tests/scenario/test_catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A few check names are enough: the fuzzer exercises the reader, not the check catalog
  // (which would pull every checker into this build).
  static const mqttbed::scenario::Catalog kCatalog = {mqttbed::scenario::testing::test_kinds(),
                                                      {"qos", "ordering", "will"}};
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    mqttbed::scenario::load_scenario_text(text, "fuzz.yaml", kCatalog);
  } catch (const mqttbed::scenario::ScenarioError&) {
    // The expected outcome for nearly every input.
  }
  return 0;
}
