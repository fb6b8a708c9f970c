// scenarios/aws-iot.yaml, the seed talk's platform on the aws-iot broker profile: it passes,
// its ordering verdict says ordering is not promised (not a silent pass, not a violation),
// chunked uploads are reassembled, and the same fleet on the default profile passes too.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/cli/cli_runner.h"

namespace mqttbed::testing {
namespace {

const std::string kScenario = std::string(MQTTBED_SOURCE_DIR) + "/scenarios/aws-iot.yaml";

struct ScenarioRun {
  int exit_code = -1;
  std::string output;
  nlohmann::json verdicts;  // by guarantee
};

ScenarioRun run(const std::string& path, const std::string& name) {
  const std::string dir = scratch_dir(name);
  CliResult result = run_mqttbed("run " + path + " --quiet --out " + dir);
  ScenarioRun out{result.exit_code, result.output, nlohmann::json::object()};
  const nlohmann::json report = nlohmann::json::parse(read_file(dir + "/report.json"));
  for (const auto& verdict : report["verdicts"])
    out.verdicts[verdict["guarantee"].get<std::string>()] = verdict;
  return out;
}

TEST(AwsIotProfile, PassesWithOrderingNotPromisedAndUploadsReassembled) {
  const ScenarioRun aws = run(kScenario, "aws-iot");
  ASSERT_EQ(aws.exit_code, 0) << aws.output;
  const auto& ordering = aws.verdicts["ordering"];
  EXPECT_EQ(ordering["status"], "not_promised") << ordering;
  EXPECT_TRUE(ordering["violations"].empty());
  // The model really reorders: the verdict counts what would have broken the promise.
  const std::string note = ordering["not_promised"];
  std::smatch broken;
  ASSERT_TRUE(std::regex_search(note, broken, std::regex("; ([0-9]+) of"))) << note;
  EXPECT_GT(std::stoi(broken[1]), 0) << note;
  const auto& reassembly = aws.verdicts["reassembly"];
  EXPECT_EQ(reassembly["status"], "passed") << reassembly;
  EXPECT_GT(reassembly["counts"]["ok"].get<int>(), 0);
  const auto& limit = aws.verdicts["payload_limit"];
  EXPECT_EQ(limit["status"], "passed") << limit;
  EXPECT_GT(limit["counts"]["ok"].get<int>(), 0);
}

TEST(AwsIotProfile, TheSameFleetOnTheDefaultProfilePasses) {
  std::ifstream in(kScenario);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string profile = "profile: aws-iot";
  const auto at = text.find(profile);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, profile.size(), "profile: mosquitto");
  const std::string path = scratch_dir("aws-iot-fleet-on-mosquitto") + "/fleet.yaml";
  std::ofstream(path) << text;
  const ScenarioRun mosquitto = run(path, "aws-iot-fleet-on-mosquitto-run");
  ASSERT_EQ(mosquitto.exit_code, 0) << mosquitto.output;
  EXPECT_EQ(mosquitto.verdicts["ordering"]["status"], "passed");
  EXPECT_EQ(mosquitto.verdicts["reassembly"]["status"], "passed");
}

}  // namespace
}  // namespace mqttbed::testing
