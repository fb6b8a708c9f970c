// `mqttbed run --shards N` (sim/run/shards.h): byte-identical reports for the same seed and
// shard count, the unsharded run's verdicts, a checker still failing on a broker bug, and
// clear refusals of what cannot be sharded.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_runner.h"

namespace mqttbed::testing {
namespace {

const std::string kScenarios = std::string(MQTTBED_SOURCE_DIR) + "/scenarios/";

struct RunOutput {
  CliResult cli;
  std::string report;  // report.json up to its last key, wall_clock
};

RunOutput run(const std::string& scenario, const std::string& flags, const std::string& name) {
  std::string dir = scratch_dir(name);
  RunOutput result;
  result.cli =
      run_mqttbed("run " + kScenarios + scenario + " --quiet --no-html --out " + dir + " " + flags);
  std::string text = read_file(dir + "/report.json");
  result.report = text.substr(0, text.find("\"wall_clock\""));
  return result;
}

// Each verdict's name and status, in report order.
std::vector<std::pair<std::string, std::string>> verdicts(const std::string& report) {
  auto json = nlohmann::json::parse(report.substr(0, report.rfind(',')) + "}");
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& verdict : json.at("verdicts"))
    out.emplace_back(verdict.at("guarantee").get<std::string>(),
                     verdict.at("status").get<std::string>());
  return out;
}

TEST(ShardedRun, SameSeedAndShardCountGiveByteIdenticalReports) {
  RunOutput first = run("flaky-network.yaml", "--seed 5 --shards 3", "shards-det-a");
  RunOutput second = run("flaky-network.yaml", "--seed 5 --shards 3", "shards-det-b");
  ASSERT_LE(first.cli.exit_code, 1) << first.cli.output;
  ASSERT_GT(first.report.size(), 1000u);
  EXPECT_TRUE(first.report == second.report) << "sharded reports differ for the same seed";
}

TEST(ShardedRun, VerdictsEqualTheUnshardedRun) {
  RunOutput whole = run("flaky-network.yaml", "--seed 5", "shards-whole");
  RunOutput sharded = run("flaky-network.yaml", "--seed 5 --shards 4", "shards-four");
  ASSERT_EQ(whole.cli.exit_code, sharded.cli.exit_code) << sharded.cli.output;
  ASSERT_FALSE(verdicts(whole.report).empty());
  EXPECT_EQ(verdicts(whole.report), verdicts(sharded.report));
}

TEST(ShardedRun, ABrokerBugIsStillCaughtInEveryShard) {
  // The will checker must still fail when each shard's broker model skips wills.
  RunOutput sharded = run("../tests/cli/scenarios/mutations.yaml",
                          "--shards 2 --broker-mutation skip_will", "shards-mut");
  EXPECT_EQ(sharded.cli.exit_code, 1) << sharded.cli.output;
  bool will_failed = false;
  for (const auto& [check, status] : verdicts(sharded.report))
    if (check == "will") will_failed = status == "failed";
  EXPECT_TRUE(will_failed) << sharded.cli.output;
}

TEST(ShardedRun, RefusesMoreShardsThanAccounts) {
  CliResult result = run_mqttbed("run " + kScenarios + "default.yaml --quiet --shards 9 --out " +
                                 scratch_dir("shards-too-many"));
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("the fleet has 5 account(s)"), std::string::npos) << result.output;
}

TEST(ShardedRun, RefusesALiveRun) {
  CliResult result = run_mqttbed(
      "run " + kScenarios + "default.yaml --quiet --shards 2 --broker tcp://127.0.0.1:1 --out " +
      scratch_dir("shards-live"));
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("--live-processes"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace mqttbed::testing
