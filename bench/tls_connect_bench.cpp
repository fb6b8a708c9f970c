// Live connect rate against mosquitto configured by `broker-config` (bench/RESULTS.md):
// N sequential TLS connect + disconnect cycles of one Paho C++ client, for a device with its
// client certificate (TLS client auth + the plugin's subject and iot:Connect check), an app
// with its token (ES256 verification + iot:Connect), and, as the baseline, an anonymous
// mosquitto with the same server certificate and no client authentication.
//   build/bench/tls_connect_bench [N=1000]
#include <mqtt/client.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "devices/registry.h"
#include "sim/brokerconf/mosquitto_config.h"
#include "sim/identity/pki_files.h"
#include "sim/live/live_identity.h"
#include "sim/scenario/loader.h"
#include "tests/live/mosquitto_broker.h"

namespace {

namespace fs = std::filesystem;
using namespace mqttbed;

constexpr const char* kScenario = R"(name: tls-connect-bench
seed: 11
duration: 10s
fleet:
  homes: 1
  per_home:
    - {kind: gateway, count: 1}
  per_account:
    - {kind: app, count: 1}
identity:
  certificate_lifetime: 17520h
  token_lifetime: 2h
)";

double connects_per_second(const std::string& uri, const live::LiveOptions& options,
                           const std::string& client_id, int n) {
  mqtt::client client(live::identity_uri(uri, options, client_id), client_id);
  mqtt::connect_options connect;
  connect.set_mqtt_version(MQTTVERSION_3_1_1);
  connect.set_clean_session(true);
  live::apply_identity(connect, options, client_id);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    client.connect(connect);
    client.disconnect();
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  return n / took.count();
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 1000;
  const fs::path dir =
      fs::temp_directory_path() / ("mqttbed-tls-bench-" + std::to_string(getpid()));
  const fs::path scenario_file = dir / "scenario.yaml";
  identity::write_text_file(scenario_file, kScenario);
  scenario::Scenario scenario =
      scenario::load_scenario_file(scenario_file.string(), devices::kind_catalog());
  identity::IdentityProvider provider(scenario.identity, scenario.seed);
  brokerconf::MosquittoConfigOptions config;
  config.certificate_port = live::testing::free_loopback_port();
  config.token_port = config.certificate_port + 1;  // as --pki expects
  config.plugin = fs::path(MQTTBED_BINARY_DIR) / "mqttbed_mosquitto_auth.so";
  config.scenario_file = scenario_file;
  config.now_s = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  const fs::path generated = dir / "mosquitto";
  brokerconf::write_mosquitto_config(provider, scenario, generated, config);
  live::LiveOptions options;
  options.pki_dir = (generated / brokerconf::kPkiFolder).string();
  const std::string uri = "ssl://127.0.0.1:" + std::to_string(config.certificate_port);
  std::printf("%d sequential connect+disconnect cycles each; load average before: %s\n", n,
              load_average().c_str());
  {
    live::testing::MosquittoBroker broker(10, [&](const std::string&) {
      return "allow_anonymous false\ninclude_dir " + generated.string() + "\n";
    });
    std::printf("certificate + plugin (acct0-home0-gateway0): %8.0f connects/s\n",
                connects_per_second(uri, options, "acct0-home0-gateway0", n));
    std::printf("token + plugin (acct0-app0):                 %8.0f connects/s\n",
                connects_per_second(uri, options, "acct0-app0", n));
  }
  {
    const fs::path pki = generated / brokerconf::kPkiFolder;
    const int port = live::testing::free_loopback_port();
    live::testing::MosquittoBroker broker(10, [&](const std::string&) {
      return "allow_anonymous true\nlistener " + std::to_string(port) + " 127.0.0.1\ncafile " +
             (pki / identity::pki_path::kCa).string() + "\ncertfile " +
             (pki / identity::pki_path::kServerCertificate).string() + "\nkeyfile " +
             (pki / identity::pki_path::kServerKey).string() + "\n";
    });
    live::LiveOptions anonymous;
    anonymous.cafile = (pki / identity::pki_path::kCa).string();
    std::printf("anonymous TLS, no client auth (baseline):    %8.0f connects/s\n",
                connects_per_second("ssl://127.0.0.1:" + std::to_string(port), anonymous,
                                    "bench-anonymous", n));
  }
  std::printf("load average after: %s\n", load_average().c_str());
  fs::remove_all(dir);
  return 0;
}
