// Same scenario and seed: byte-identical report.json apart from wall_clock; other seed: not.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_runner.h"

namespace mqttbed::testing {
namespace {

std::string report_without_wall_clock(const std::string& scenario, const std::string& seed,
                                      const std::string& name) {
  std::string dir = scratch_dir(name);
  CliResult result = run_mqttbed("run " + scenario + " --quiet --seed " + seed + " --out " + dir);
  EXPECT_LE(result.exit_code, 1) << result.output;
  std::string text = read_file(dir + "/report.json");
  auto start = text.find("\"wall_clock\"");
  EXPECT_NE(start, std::string::npos);
  return text.substr(0, start);  // wall_clock is the report's last key
}

const std::string kScenario = std::string(MQTTBED_SOURCE_DIR) + "/scenarios/flaky-network.yaml";

TEST(Determinism, SameSeedGivesByteIdenticalReport) {
  std::string first = report_without_wall_clock(kScenario, "11", "det-a");
  std::string second = report_without_wall_clock(kScenario, "11", "det-b");
  ASSERT_GT(first.size(), 1000u);
  EXPECT_TRUE(first == second) << "reports differ for the same seed";
}

TEST(Determinism, DifferentSeedsGiveDifferentReports) {
  std::string first = report_without_wall_clock(kScenario, "11", "det-c");
  std::string other = report_without_wall_clock(kScenario, "12", "det-d");
  EXPECT_NE(first, other);
}

}  // namespace
}  // namespace mqttbed::testing
