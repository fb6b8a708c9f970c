// `mqttbed broker-config`: what a user runs to get a real broker enforcing the scenario.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/cli/cli_runner.h"

namespace mqttbed::testing {
namespace {

// Certificates valid twenty years from the scenario epoch: the test does not age out.
constexpr const char* kScenario = R"(name: cli-secure
seed: 5
duration: 10s
fleet:
  homes: 1
  per_home:
    - {kind: gateway, count: 1}
  per_account:
    - {kind: app, count: 1}
identity:
  certificate_lifetime: 175200h
checks: [isolation]
)";

std::string write_scenario(const std::string& dir) {
  const std::string path = dir + "/secure.yaml";
  std::ofstream(path) << kScenario;
  return path;
}

TEST(BrokerConfig, WritesPkiConfigAndAclAndPrintsThem) {
  const std::string dir = scratch_dir("broker-config");
  const std::string out = dir + "/mosquitto";
  CliResult result =
      run_mqttbed("broker-config " + write_scenario(dir) + " --out " + out + " --port 18883");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const char* file :
       {"/pki/ca.crt", "/pki/crl.pem", "/pki/token-key.pem", "/pki/server.crt",
        "/pki/clients/acct0-home0-gateway0.crt", "/pki/clients/acct0-home0-gateway0.key",
        "/pki/clients/acct0-app0.jwt", "/acl", "/mosquitto.conf"}) {
    EXPECT_NE(result.output.find(file), std::string::npos) << file << "\n" << result.output;
    EXPECT_TRUE(std::filesystem::exists(out + file)) << file;
  }
  EXPECT_NE(result.output.find("start: mosquitto -c"), std::string::npos) << result.output;
  const std::string conf = read_file(out + "/mosquitto.conf");
  for (const char* line :
       {"listener 18883 127.0.0.1", "listener 18884 127.0.0.1", "require_certificate true",
        "crlfile ", "allow_anonymous false", "mqttbed_mosquitto_auth.so", "plugin_opt_scenario "})
    EXPECT_NE(conf.find(line), std::string::npos) << line << "\n" << conf;
}

TEST(BrokerConfig, OtherBrokersAndMissingOutAreBadUsage) {
  const std::string dir = scratch_dir("broker-config-bad");
  const std::string scenario = write_scenario(dir);
  CliResult rabbit =
      run_mqttbed("broker-config " + scenario + " --out " + dir + "/r --broker rabbitmq");
  EXPECT_EQ(rabbit.exit_code, 2);
  EXPECT_NE(rabbit.output.find("expected mosquitto"), std::string::npos) << rabbit.output;
  CliResult no_out = run_mqttbed("broker-config " + scenario);
  EXPECT_EQ(no_out.exit_code, 2);
  EXPECT_NE(no_out.output.find("--out DIR"), std::string::npos) << no_out.output;
}

}  // namespace
}  // namespace mqttbed::testing
