// The attempts every enforcement test makes against a real broker, with identities issued by
// the scenario's own provider: legitimate logins and operations, forged credentials (unknown
// CA, revoked certificate, spoofed client id, expired / unknown-key / unsigned token) and
// another account's namespace. Each test runs them against the broker with mqttbed's
// generated configuration (all refused, legitimate ones succeed) and against the same broker
// anonymous without ACL (all succeed): were the configuration not applied, the first fails.
#pragma once

#include <mqtt/client.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "sim/identity/identity_provider.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::brokerconf::testing {

// Two accounts: acct0 is the intruder's, acct1 the victim's.
inline constexpr const char* kGateway0 = "acct0-home0-gateway0";
inline constexpr const char* kGateway1 = "acct1-home1-gateway0";
inline constexpr const char* kApp0 = "acct0-app0";

std::int64_t wall_clock_s();
// A port p with p and p + 1 (and p + 2) free a moment ago: broker-config's layout.
int free_port_run(int count = 2);

// How a test client logs in: a certificate + key, or a token as the password.
struct Login {
  std::string client_id;
  std::filesystem::path certificate;
  std::filesystem::path key;
  std::string token;
};

class Client {
 public:
  // Connects over TLS (trusting `ca`) to `port`; connected() says whether the broker accepted.
  Client(int port, const std::filesystem::path& ca, const Login& login);
  ~Client();

  bool connected() const { return connected_; }
  const std::string& failure() const { return failure_; }
  // Paho's return code of a failed connect: the CONNACK code when the broker answered one.
  int code() const { return code_; }
  // True when the SUBACK granted the filter (3.1.1 refuses with 0x80); false too when the
  // broker closed the connection instead.
  bool subscribe(const std::string& filter);
  // QoS 1: true once the broker acknowledged (mosquitto PUBACKs a denied 3.1.1 publish too),
  // false when it closed the connection instead (RabbitMQ, aedes).
  bool publish(const std::string& topic, const std::string& payload);
  // The next message's topic, "" after `timeout` (a failure guard, not synchronisation).
  std::string next_topic(std::chrono::seconds timeout = std::chrono::seconds(10));

 private:
  ::mqtt::client client_;
  bool connected_ = false;
  std::string failure_;
  int code_ = 0;
};

// What one broker let happen.
struct Outcomes {
  bool gateway_connects = false;
  bool app_connects = false;
  bool own_namespace_subscribe = false;
  bool own_publish_delivered = false;
  bool unknown_ca_connects = false;
  bool revoked_connects = false;
  bool spoofed_client_id_connects = false;
  bool expired_token_connects = false;
  int expired_token_code = 0;  // what the refusal looked like to the client
  bool unknown_key_token_connects = false;
  bool unsigned_token_connects = false;
  bool foreign_subscribe = false;          // acct0's gateway subscribes to acct1's namespace
  bool wildcard_subscribe = false;         // ... and to "#"
  bool foreign_publish_delivered = false;  // acct0's gateway publishes into acct1's namespace
};

// With mqttbed's configuration: legitimate logins and operations succeed, everything else
// is refused (the connect code is each broker's own and checked by its test).
void expect_enforced(const Outcomes& seen);
// Anonymous without ACL: every attempt succeeds.
void expect_unenforced(const Outcomes& seen);

// The scenario, its identities and the forgeries, in a private folder removed at the end.
class Identities {
 public:
  explicit Identities(const std::string& name);
  ~Identities();

  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& scenario_file() const { return scenario_file_; }
  const scenario::Scenario& scenario() const { return scenario_; }
  identity::IdentityProvider& provider() { return *provider_; }
  std::int64_t now_s() const { return now_s_; }

  // The folder broker-config wrote (its pki/ is what clients present).
  void use_config(const std::filesystem::path& config_dir) { config_dir_ = config_dir; }
  std::filesystem::path pki(const std::filesystem::path& name) const;

  // Every attempt against a broker listening for certificates on `cert_port` and tokens on
  // `token_port`.
  Outcomes attempt(int cert_port, int token_port) const;

 private:
  Login device(const std::string& id) const;
  Login app(const std::string& id) const;
  Login intruder(const std::string& id, const std::string& name) const;

  std::filesystem::path dir_;
  std::filesystem::path scenario_file_;
  std::filesystem::path config_dir_;
  scenario::Scenario scenario_;
  std::unique_ptr<identity::IdentityProvider> provider_;
  std::int64_t now_s_ = 0;
  std::map<identity::Forgery, std::string> tokens_;
};

}  // namespace mqttbed::brokerconf::testing
