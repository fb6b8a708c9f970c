// The mqttbed command as a user meets it: help, version, exit codes, output files.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/cli/cli_runner.h"

namespace mqttbed::testing {
namespace {

const std::string kDefault = std::string(MQTTBED_SOURCE_DIR) + "/scenarios/default.yaml";

TEST(Cli, HelpListsCommandsAndExitCodes) {
  CliResult result = run_mqttbed("--help");
  EXPECT_EQ(result.exit_code, 0);
  for (const char* text : {"run FILE", "validate FILE", "check HISTORY", "exit codes", "0  ran",
                           "1  a guarantee", "2  bad usage", "3  runtime failure"})
    EXPECT_NE(result.output.find(text), std::string::npos) << text;
}

TEST(Cli, VersionPrintsTheProjectVersion) {
  CliResult result = run_mqttbed("--version");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.output.rfind("mqttbed 0.", 0), 0u) << result.output;
}

TEST(Cli, UnknownFlagIsBadUsage) {
  CliResult result = run_mqttbed("run " + kDefault + " --sede 3");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("unknown option '--sede'"), std::string::npos) << result.output;
}

TEST(Cli, BadSeedIsBadUsage) {
  CliResult result = run_mqttbed("run " + kDefault + " --seed -4");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("--seed"), std::string::npos);
}

TEST(Cli, BadLiveProcessCountIsBadUsage) {
  for (const char* count : {"0", "x", "3x", "257"}) {
    CliResult result = run_mqttbed("run " + kDefault + " --live-processes " + count);
    EXPECT_EQ(result.exit_code, 2) << count;
    EXPECT_NE(result.output.find("--live-processes"), std::string::npos) << result.output;
  }
}

TEST(Cli, MissingScenarioFileIsBadInputNamingTheFile) {
  CliResult result = run_mqttbed("run /nonexistent/scenario.yaml");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("/nonexistent/scenario.yaml"), std::string::npos);
}

TEST(Cli, ValidateReportsLineAndColumn) {
  std::string dir = scratch_dir("validate");
  std::string file = dir + "/bad.yaml";
  std::FILE* out = std::fopen(file.c_str(), "w");
  std::fputs("name: x\nseed: 1\nduration: 10 parsecs\n", out);
  std::fclose(out);
  CliResult result = run_mqttbed("validate " + file);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find(file + ":3:11: duration"), std::string::npos) << result.output;
}

TEST(Cli, ValidateAcceptsEveryShippedScenario) {
  CliResult result =
      run_mqttbed("validate " + std::string(MQTTBED_SOURCE_DIR) + "/scenarios/*.yaml");
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

TEST(Cli, DefaultScenarioPassesAndWritesReport) {
  std::string dir = scratch_dir("default");
  CliResult result = run_mqttbed("run " + kDefault + " --quiet --out " + dir);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("PASSED"), std::string::npos);
  std::string report = read_file(dir + "/report.json");
  EXPECT_NE(report.find("\"schema_version\""), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir + "/report.json.tmp"));
}

TEST(Cli, UnreachableBrokerIsRuntimeFailureNotAVerdict) {
  CliResult result = run_mqttbed("run " + kDefault + " --quiet --broker tcp://127.0.0.1:1");
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_NE(result.output.find("unreachable"), std::string::npos) << result.output;
}

TEST(Cli, ProbeNeedsABrokerAndKnownProbesAndSaysWhenItIsUnreachable) {
  EXPECT_EQ(run_mqttbed("probe").exit_code, 2);
  EXPECT_EQ(run_mqttbed("probe " + kDefault + " --broker tcp://127.0.0.1:1").exit_code, 2);
  EXPECT_EQ(run_mqttbed("run " + kDefault + " --probe second_connect").exit_code, 2);
  EXPECT_EQ(run_mqttbed("probe --broker ssl://127.0.0.1:1").exit_code, 2);
  CliResult unknown = run_mqttbed("probe --broker tcp://127.0.0.1:1 --probe no_such_probe");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("no_such_probe"), std::string::npos) << unknown.output;
  CliResult unreachable = run_mqttbed("probe --broker tcp://127.0.0.1:1");
  EXPECT_EQ(unreachable.exit_code, 3) << unreachable.output;
  EXPECT_NE(unreachable.output.find("unreachable"), std::string::npos) << unreachable.output;
}

TEST(Cli, UnwritableOutputIsRuntimeFailure) {
  CliResult result = run_mqttbed("run " + kDefault + " --quiet --out /proc/mqttbed-cannot-write");
  EXPECT_EQ(result.exit_code, 3) << result.output;
}

}  // namespace
}  // namespace mqttbed::testing

namespace mqttbed::testing {
namespace {

// Only the verdict lines (PASS/FAIL + counts), which both commands print the same way.
std::string verdict_lines(const std::string& output) {
  std::string lines;
  std::size_t start = 0;
  while (start < output.size()) {
    std::size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    std::string line = output.substr(start, end - start);
    if (line.rfind("PASS ", 0) == 0 || line.rfind("FAIL ", 0) == 0) lines += line + "\n";
    start = end + 1;
  }
  return lines;
}

TEST(Cli, CheckRejudgesASavedHistoryToTheSameVerdicts) {
  std::string dir = scratch_dir("rejudge");
  std::string scenario = std::string(MQTTBED_SOURCE_DIR) + "/tests/cli/scenarios/mutations.yaml";
  CliResult run = run_mqttbed("run " + scenario + " --quiet --broker-mutation skip_will --out " +
                              dir + " --history " + dir + "/history.jsonl");
  ASSERT_EQ(run.exit_code, 1) << run.output;
  CliResult check = run_mqttbed("check " + dir + "/history.jsonl");
  EXPECT_EQ(check.exit_code, 1) << check.output;
  std::string judged = verdict_lines(run.output);
  EXPECT_NE(judged.find("FAIL will"), std::string::npos) << judged;
  EXPECT_EQ(verdict_lines(check.output), judged);
}

TEST(Cli, CheckOfAMissingHistoryIsAClearError) {
  CliResult result = run_mqttbed("check /nonexistent/history.jsonl");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.exit_code, 1);
  EXPECT_NE(result.output.find("/nonexistent/history.jsonl"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace mqttbed::testing
