// `mqttbed compare`: bad --transports lists are usage errors naming the column (exit 2), the
// comparison report is deterministic, and its figures keep the orderings the models imply.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_runner.h"

namespace mqttbed::testing {
namespace {

const std::string kScenario = std::string(MQTTBED_SOURCE_DIR) + "/scenarios/default.yaml";

TEST(Compare, BadTransportListIsBadUsageWithColumn) {
  struct Case {
    const char* list;
    const char* expected;
  };
  for (const Case& c :
       {Case{"mqtt,smtp", "--transports:6: unknown transport 'smtp'"},
        Case{"mqtt,http-poll", "--transports:6: 'http-poll' needs a polling period"},
        Case{"http-poll:soon", "--transports:11: 'soon': expected a positive duration"},
        Case{"mqtt,,mqtt-ws", "--transports:6: empty transport name"},
        Case{"mqtt-tls:30s", "--transports:10: 'mqtt-tls' takes no options"},
        Case{"http2-poll:30s:close", "--transports:16: 'close'"}}) {
    CliResult result = run_mqttbed("compare " + kScenario + " --transports " + c.list);
    EXPECT_EQ(result.exit_code, 2) << c.list << "\n" << result.output;
    EXPECT_NE(result.output.find(c.expected), std::string::npos) << c.list << "\n" << result.output;
  }
  CliResult missing = run_mqttbed("compare " + kScenario);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("--transports LIST"), std::string::npos) << missing.output;
}

TEST(Compare, SameSeedGivesByteIdenticalComparison) {
  const std::string list = "mqtt,mqtt-tls,mqtt-ws,http-poll:30s,http-long-poll,http2-poll:30s";
  std::string a = scratch_dir("compare-a");
  std::string b = scratch_dir("compare-b");
  ASSERT_EQ(run_mqttbed("compare " + kScenario + " --transports " + list + " --out " + a).exit_code,
            0);
  ASSERT_EQ(run_mqttbed("compare " + kScenario + " --transports " + list + " --out " + b).exit_code,
            0);
  std::string first = read_file(a + "/report.json");
  ASSERT_GT(first.size(), 1000u);
  EXPECT_TRUE(first == read_file(b + "/report.json"));
  EXPECT_TRUE(read_file(a + "/report.html") == read_file(b + "/report.html"));

  auto report = nlohmann::json::parse(first);
  auto row = [&](const std::string& name) {
    for (const auto& t : report["transports"])
      if (t["name"] == name) return t;
    ADD_FAILURE() << "no row " << name;
    return nlohmann::json();
  };
  auto bytes = [&](const std::string& name) {
    return row(name)["all_devices_per_day"]["total"].get<double>();
  };
  // TLS and WebSocket add bytes to the same MQTT packets, never remove any.
  EXPECT_GT(bytes("mqtt-tls"), bytes("mqtt"));
  EXPECT_GT(bytes("mqtt-ws"), bytes("mqtt"));
  // The same payload crosses every transport... HTTP bodies carry what MQTT delivered at most.
  EXPECT_LE(row("http-poll:30s")["all_devices_per_day"]["payload"].get<double>(),
            row("mqtt")["all_devices_per_day"]["payload"].get<double>() + 1e-6);
  // Polling waits for the next poll: its median command latency is longer than push.
  EXPECT_GT(row("http-poll:30s")["command_latency_ms"]["p50"].get<double>(),
            row("mqtt")["command_latency_ms"]["p50"].get<double>());
  // Only MQTT rows list checker verdicts.
  EXPECT_FALSE(row("mqtt-tls")["checks"]["judged"].empty());
  EXPECT_TRUE(row("http2-poll:30s")["checks"]["judged"].empty());
  EXPECT_FALSE(report["claims"].empty());
}

}  // namespace
}  // namespace mqttbed::testing
