// Whole live runs: the shortened default scenario against mosquitto passes every checked
// guarantee; the CLI exits 3, quickly, when the broker is unreachable.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "sim/live/live_options.h"
#include "sim/run/catalog.h"
#include "sim/run/pipeline.h"
#include "tests/live/mosquitto_broker.h"

namespace mqttbed::live {
namespace {

std::string temp_dir(const std::string& name) {
  auto path = std::filesystem::temp_directory_path() /
              ("mqttbed-live-" + name + "-" + std::to_string(getpid()));
  std::filesystem::create_directories(path);
  return path.string();
}

TEST(LiveRun, DefaultScenarioHoldsEveryGuaranteeAgainstMosquitto) {
  testing::MosquittoBroker broker;
  auto scenario =
      run::load_scenario(std::string(MQTTBED_SOURCE_DIR) + "/tests/live/data/live-default.yaml");
  run::RunOptions options;
  options.out_dir = temp_dir("default");
  options.live.broker_url = broker.url();
  options.live.client_prefix = "ci-";
  run::RunResult result = run::run_scenario(scenario, options);
  std::printf("%s", result.summary.c_str());
  EXPECT_TRUE(result.passed) << result.summary << "\n" << broker.log().substr(0, 4000);
  EXPECT_TRUE(std::filesystem::exists(result.report_path));
  std::filesystem::remove_all(options.out_dir);
}

// Ungraceful disconnect (client reset, broker side blackholed), graceful disconnect, reboot
// (broker side reset), latency and a partition, all through the fault proxy.
TEST(LiveRun, FaultScenarioHoldsEveryGuaranteeAndFiresTheWills) {
  testing::MosquittoBroker broker;
  auto scenario =
      run::load_scenario(std::string(MQTTBED_SOURCE_DIR) + "/tests/live/data/live-faults.yaml");
  run::RunOptions options;
  options.out_dir = temp_dir("faults");
  options.live.broker_url = broker.url();
  run::RunResult result = run::run_scenario(scenario, options);
  std::printf("%s", result.summary.c_str());
  EXPECT_TRUE(result.passed) << result.summary;
  for (const auto& verdict : result.verdicts) {
    // The ungraceful disconnect's and the reboot's wills; not the graceful one's.
    if (verdict.guarantee == "will") {
      EXPECT_EQ(verdict.counts.checked, 2u) << result.summary;
    }
  }
  std::filesystem::remove_all(options.out_dir);
}

// The same faults with the fleet split across processes (live.processes): each acts out the
// faults of its own devices, the parent judges the merged history once; the apps' command
// round trips (measured inside the processes) reach the report.
TEST(LiveRun, ShardedFaultScenarioHoldsEveryGuaranteeAndFiresTheWills) {
  testing::MosquittoBroker broker;
  auto scenario =
      run::load_scenario(std::string(MQTTBED_SOURCE_DIR) + "/tests/live/data/live-faults.yaml");
  run::RunOptions options;
  options.out_dir = temp_dir("sharded");
  options.live.broker_url = broker.url();
  options.live.processes = 3;
  run::RunResult result = run::run_scenario(scenario, options);
  std::printf("%s", result.summary.c_str());
  EXPECT_TRUE(result.passed) << result.summary;
  for (const auto& verdict : result.verdicts) {
    if (verdict.guarantee == "will") {
      EXPECT_EQ(verdict.counts.checked, 2u) << result.summary;
    }
    if (verdict.guarantee == "qos1") {
      EXPECT_GT(verdict.counts.checked, 100u) << result.summary;
    }
  }
  std::ifstream report(result.report_path);
  auto json = nlohmann::json::parse(report);
  EXPECT_GT(json["metrics"]["command_round_trip"]["count"].get<int>(), 0);
  std::filesystem::remove_all(options.out_dir);
}

// --broker-restart-cmd is run as `CMD crash` / `CMD restart`; here CMD writes the word into
// a FIFO that the test reads, and the test kills and restarts its own mosquitto.
TEST(LiveRun, BrokerCrashRunsTheRestartCommand) {
  testing::MosquittoBroker broker;
  std::string dir = temp_dir("crash");
  std::string fifo = dir + "/broker-ctl";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  int control = open(fifo.c_str(), O_RDWR | O_NONBLOCK);  // read-write: never EOF, never blocks
  ASSERT_GE(control, 0);
  bool stop = false, crashed = false, restarted = false;
  std::thread operator_thread([&] {
    std::string words;
    while (!stop && !restarted) {
      pollfd ready{control, POLLIN, 0};
      if (poll(&ready, 1, 200) <= 0) continue;  // re-check `stop` every 200 ms
      char buffer[64];
      ssize_t got = read(control, buffer, sizeof buffer);
      if (got > 0) words.append(buffer, static_cast<std::size_t>(got));
      if (!crashed && words.find("crash") != std::string::npos) {
        broker.crash();
        crashed = true;
      }
      if (crashed && words.find("restart") != std::string::npos) {
        broker.restart();
        restarted = true;
      }
    }
  });
  auto scenario =
      run::load_scenario(std::string(MQTTBED_SOURCE_DIR) + "/tests/live/data/live-crash.yaml");
  run::RunOptions options;
  options.out_dir = dir + "/out";
  options.live.broker_url = broker.url();
  options.live.broker_restart_cmd = "echo >> " + fifo;
  run::RunResult result = run::run_scenario(scenario, options);
  stop = true;
  operator_thread.join();
  close(control);
  std::printf("%s", result.summary.c_str());
  EXPECT_TRUE(crashed);
  EXPECT_TRUE(restarted);
  EXPECT_TRUE(result.passed) << result.summary << "\n" << broker.log().substr(0, 4000);
  std::filesystem::remove_all(dir);
}

TEST(LiveRun, CliExitsThreeWhenTheBrokerIsUnreachable) {
  std::string out = temp_dir("unreachable");
  std::string command =
      std::string(MQTTBED_BINARY_DIR) + "/mqttbed run " + MQTTBED_SOURCE_DIR +
      "/scenarios/default.yaml --quiet --out " + out +
      " --broker tcp://127.0.0.1:" + std::to_string(testing::free_loopback_port()) + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  int status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), 3) << output;
  EXPECT_NE(output.find("unreachable"), std::string::npos) << output;
  std::filesystem::remove_all(out);
}

}  // namespace
}  // namespace mqttbed::live
