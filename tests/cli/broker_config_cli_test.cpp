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

// RabbitMQ and aedes: their files, and the two commands to start (the authorizer first).
TEST(BrokerConfig, RabbitmqAndAedesAskTheAuthorizerEndpoint) {
  const std::string dir = scratch_dir("broker-config-served");
  const std::string scenario = write_scenario(dir);
  CliResult rabbit = run_mqttbed("broker-config " + scenario + " --out " + dir +
                                 "/r --broker rabbitmq --port 18883");
  ASSERT_EQ(rabbit.exit_code, 0) << rabbit.output;
  for (const char* file : {"/pki/ca.crt", "/rabbitmq.conf", "/advanced.config", "/enabled_plugins"})
    EXPECT_TRUE(std::filesystem::exists(dir + "/r" + file)) << file;
  EXPECT_NE(rabbit.output.find("start: mqttbed authorizer " + scenario +
                               " --listen 127.0.0.1:18885 --pki "),
            std::string::npos)
      << rabbit.output;
  const std::string conf = read_file(dir + "/r/rabbitmq.conf");
  for (const char* line :
       {"mqtt.listeners.ssl.certificates = 127.0.0.1:18883",
        "mqtt.listeners.ssl.tokens = 127.0.0.1:18884", "mqtt.allow_anonymous = false",
        "mqtt.ssl_cert_login = true", "auth_backends.1 = http",
        "auth_http.topic_path = http://127.0.0.1:18885/rabbitmq/topic"})
    EXPECT_NE(conf.find(line), std::string::npos) << line << "\n" << conf;
  const std::string advanced = read_file(dir + "/r/advanced.config");
  for (const char* term : {"{verify, verify_peer}", "{crl_check, peer}", "ssl_crl_hash_dir"})
    EXPECT_NE(advanced.find(term), std::string::npos) << term << "\n" << advanced;

  CliResult aedes = run_mqttbed("broker-config " + scenario + " --out " + dir +
                                "/a --broker aedes --authorizer 127.0.0.1:9999");
  ASSERT_EQ(aedes.exit_code, 0) << aedes.output;
  const std::string json = read_file(dir + "/a/aedes.json");
  EXPECT_NE(json.find("\"authorizer\": \"http://127.0.0.1:9999/aedes/\""), std::string::npos)
      << json;
  EXPECT_NE(aedes.output.find("start: node tests/live/brokers/aedes/server.js --config "),
            std::string::npos)
      << aedes.output;
}

TEST(BrokerConfig, UnknownBrokersAndMissingArgumentsAreBadUsage) {
  const std::string dir = scratch_dir("broker-config-bad");
  const std::string scenario = write_scenario(dir);
  CliResult kafka =
      run_mqttbed("broker-config " + scenario + " --out " + dir + "/r --broker kafka");
  EXPECT_EQ(kafka.exit_code, 2);
  EXPECT_NE(kafka.output.find("expected mosquitto, rabbitmq or aedes"), std::string::npos)
      << kafka.output;
  CliResult no_out = run_mqttbed("broker-config " + scenario);
  EXPECT_EQ(no_out.exit_code, 2);
  EXPECT_NE(no_out.output.find("--out DIR"), std::string::npos) << no_out.output;
  CliResult no_pki = run_mqttbed("authorizer " + scenario + " --listen 127.0.0.1:1");
  EXPECT_EQ(no_pki.exit_code, 2);
  EXPECT_NE(no_pki.output.find("--pki DIR"), std::string::npos) << no_pki.output;
  CliResult bad_listen = run_mqttbed("authorizer " + scenario + " --listen nowhere --pki " + dir);
  EXPECT_EQ(bad_listen.exit_code, 2);
  EXPECT_NE(bad_listen.output.find("expected HOST:PORT"), std::string::npos) << bad_listen.output;
  CliResult no_files =
      run_mqttbed("authorizer " + scenario + " --listen 127.0.0.1:0 --pki " + dir + "/none");
  EXPECT_EQ(no_files.exit_code, 3);
  EXPECT_NE(no_files.output.find("cannot read"), std::string::npos) << no_files.output;
}

}  // namespace
}  // namespace mqttbed::testing
