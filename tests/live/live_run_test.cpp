// Whole live runs: the shortened default scenario against mosquitto passes every checked
// guarantee; the CLI exits 3, quickly, when the broker is unreachable.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
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

struct LiveResult {
  run::RunResult run;
  nlohmann::json report;
};

// Runs tests/live/data/NAME.yaml against `broker`, writing to a temporary folder that is
// removed after (the report is read first); `configure` adds options. Prints the summary.
LiveResult run_live(testing::MosquittoBroker& broker, const std::string& name,
                    const std::function<void(run::RunOptions&)>& configure = {}) {
  auto scenario =
      run::load_scenario(std::string(MQTTBED_SOURCE_DIR) + "/tests/live/data/" + name + ".yaml");
  run::RunOptions options;
  options.out_dir = temp_dir(name);
  options.live.broker_url = broker.url();
  if (configure) configure(options);
  LiveResult result{run::run_scenario(scenario, options), {}};
  std::printf("%s", result.run.summary.c_str());
  std::ifstream report(result.run.report_path);
  if (report) result.report = nlohmann::json::parse(report);
  std::filesystem::remove_all(options.out_dir);
  return result;
}

const check::Verdict* find_verdict(const run::RunResult& result, const std::string& guarantee) {
  for (const auto& verdict : result.verdicts)
    if (verdict.guarantee == guarantee) return &verdict;
  return nullptr;
}

TEST(LiveRun, DefaultScenarioHoldsEveryGuaranteeAgainstMosquitto) {
  testing::MosquittoBroker broker;
  LiveResult result = run_live(
      broker, "live-default", [](run::RunOptions& options) { options.live.client_prefix = "ci-"; });
  EXPECT_TRUE(result.run.passed) << result.run.summary << "\n" << broker.log().substr(0, 4000);
  EXPECT_TRUE(result.report.contains("verdicts"));
}

// Ungraceful disconnect (client reset, broker side blackholed), graceful disconnect, reboot
// (broker side reset), latency and a partition, all through the fault proxy.
TEST(LiveRun, FaultScenarioHoldsEveryGuaranteeAndFiresTheWills) {
  testing::MosquittoBroker broker;
  LiveResult result = run_live(broker, "live-faults");
  EXPECT_TRUE(result.run.passed) << result.run.summary;
  // The ungraceful disconnect's and the reboot's wills; not the graceful one's.
  const check::Verdict* will = find_verdict(result.run, "will");
  ASSERT_NE(will, nullptr);
  EXPECT_EQ(will->counts.checked, 2u) << result.run.summary;
}

// The same faults with the fleet split across processes (live.processes): each acts out the
// faults of its own devices, the parent judges the merged history once; the apps' command
// round trips (measured inside the processes) reach the report.
TEST(LiveRun, ShardedFaultScenarioHoldsEveryGuaranteeAndFiresTheWills) {
  testing::MosquittoBroker broker;
  LiveResult result =
      run_live(broker, "live-faults", [](run::RunOptions& options) { options.live.processes = 3; });
  EXPECT_TRUE(result.run.passed) << result.run.summary;
  const check::Verdict* will = find_verdict(result.run, "will");
  const check::Verdict* qos1 = find_verdict(result.run, "qos1");
  ASSERT_NE(will, nullptr);
  ASSERT_NE(qos1, nullptr);
  EXPECT_EQ(will->counts.checked, 2u) << result.run.summary;
  EXPECT_GT(qos1->counts.checked, 100u) << result.run.summary;
  EXPECT_GT(result.report["metrics"]["command_round_trip"]["count"].get<int>(), 0);
}

// --broker-restart-cmd is run as `CMD crash` / `CMD restart`; here CMD writes the word into
// a FIFO that the test reads, and the test kills and restarts its own mosquitto.
TEST(LiveRun, BrokerCrashRunsTheRestartCommand) {
  testing::MosquittoBroker broker;
  std::string dir = temp_dir("crash-control");
  std::string fifo = dir + "/broker-ctl";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  int control = open(fifo.c_str(), O_RDWR | O_NONBLOCK);  // read-write: never EOF, never blocks
  ASSERT_GE(control, 0);
  std::atomic<bool> stop = false, crashed = false, restarted = false;
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
  LiveResult result = run_live(broker, "live-crash", [&](run::RunOptions& options) {
    options.live.broker_restart_cmd = "echo >> " + fifo;
  });
  stop = true;
  operator_thread.join();
  close(control);
  EXPECT_TRUE(crashed);
  EXPECT_TRUE(restarted);
  EXPECT_TRUE(result.run.passed) << result.run.summary << "\n" << broker.log().substr(0, 4000);
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
