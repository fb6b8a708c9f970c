// Live runs of the CLI against scripted misbehaving servers (tests/live/scripted_server.h):
// whatever the server does, mqttbed ends with a report or a clear exit-3 message, and the
// checkers do not pass what the server never did.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/live/scripted_server.h"

namespace mqttbed::live {
namespace {

using testing::ScriptedServer;

struct CliRun {
  int status = -1;  // as waitpid reports it
  std::string output;
  nlohmann::json report;  // null when there is no report.json
  bool tmp_left = false;  // a history.jsonl.tmp left behind
};

// Runs `mqttbed run tests/live/data/live-misbehaving.yaml --broker URL` in a child process
// (so an abort is an exit status, not this test's death) and reads what it left behind.
CliRun run_cli(const std::string& url, const std::string& name) {
  auto out = std::filesystem::temp_directory_path() /
             ("mqttbed-misbehaving-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(out);
  std::string command = std::string(MQTTBED_BINARY_DIR) + "/mqttbed run " + MQTTBED_SOURCE_DIR +
                        "/tests/live/data/live-misbehaving.yaml --quiet --no-html --out " +
                        out.string() + " --history " + (out / "history.jsonl").string() +
                        " --broker " + url + " 2>&1";
  CliRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) run.output += buffer;
  run.status = pclose(pipe);
  std::ifstream report(out / "report.json");
  if (report) run.report = nlohmann::json::parse(report, nullptr, false);
  run.tmp_left = std::filesystem::exists(out / "history.jsonl.tmp");
  std::filesystem::remove_all(out);
  return run;
}

// The server sends CONNACK and closes the connection 200 ms later, to every connection,
// every reconnect. mqttbed used to abort (an mqtt::exception escaping a Paho callback) in
// about half of these runs; it must end every one with a verdict and a report.
TEST(MisbehavingServer, ConnackThenCloseEndsWithAReportEveryTime) {
  ScriptedServer server(ScriptedServer::Behaviour::connack_then_close);
  for (int attempt = 0; attempt < 6; ++attempt) {
    CliRun run = run_cli(server.url(), "close");
    ASSERT_TRUE(WIFEXITED(run.status))
        << "attempt " << attempt << " died of signal " << WTERMSIG(run.status) << ":\n"
        << run.output;
    EXPECT_LE(WEXITSTATUS(run.status), 1) << run.output;  // passed or failed, judged
    EXPECT_TRUE(run.report.is_object()) << "no report.json:\n" << run.output;
    EXPECT_FALSE(run.tmp_left) << run.output;
  }
  EXPECT_GT(server.connections(), 1);
}

// A server that accepts TCP and then answers the CONNECT with bytes that are no MQTT packet:
// exit 3, and the message says what happened (Paho's own text, "TCP connect timeout", said
// the opposite).
TEST(MisbehavingServer, GarbageReplyExitsThreeAndSaysTcpConnected) {
  ScriptedServer server(ScriptedServer::Behaviour::garbage);
  CliRun run = run_cli(server.url(), "garbage");
  ASSERT_TRUE(WIFEXITED(run.status)) << run.output;
  EXPECT_EQ(WEXITSTATUS(run.status), 3) << run.output;
  EXPECT_EQ(run.output.find("TCP connect"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("connected to 127.0.0.1:" + std::to_string(server.port()) +
                            " over TCP but the server's reply was not an MQTT CONNACK"),
            std::string::npos)
      << run.output;
}

const nlohmann::json* verdict_of(const nlohmann::json& report, const std::string& guarantee) {
  for (const auto& verdict : report["verdicts"])
    if (verdict["guarantee"] == guarantee) return &verdict;
  return nullptr;
}

// A server that accepts CONNECT, answers PINGREQ and nothing else: no PUBACK, no SUBACK. The
// QoS 1 publishes and the subscribes got no answer on connections that stayed up, so the run
// fails (MQTT-4.3.2-2, MQTT-3.8.4-1), and the guarantees that had nothing to judge say so.
TEST(MisbehavingServer, SilentServerFailsTheAnswersCheckAndNothingPassesQuietly) {
  ScriptedServer server(ScriptedServer::Behaviour::connack_then_silent);
  CliRun run = run_cli(server.url(), "silent");
  ASSERT_TRUE(WIFEXITED(run.status)) << run.output;
  EXPECT_EQ(WEXITSTATUS(run.status), 1) << run.output;
  ASSERT_TRUE(run.report.is_object()) << run.output;
  const nlohmann::json* answers = verdict_of(run.report, "answers");
  ASSERT_NE(answers, nullptr) << run.report.dump(2);
  EXPECT_FALSE((*answers)["passed"].get<bool>());
  EXPECT_GT((*answers)["counts"]["lost"].get<int>(), 0);
  const nlohmann::json* qos1 = verdict_of(run.report, "qos1");
  ASSERT_NE(qos1, nullptr);
  EXPECT_EQ((*qos1)["status"], "nothing_checked");
  EXPECT_NE(run.output.find("VACUOUS"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace mqttbed::live
