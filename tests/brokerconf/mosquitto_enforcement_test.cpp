// The mosquitto configuration mqttbed generates from a scenario is what enforces its
// identities and policy: the same attempts (a legitimate device, an unknown CA's certificate,
// bad tokens, a spoofed client id, another account's namespace) are refused by mosquitto
// running the generated TLS listeners + authorizer plugin, and succeed against an anonymous
// mosquitto without ACL. Were the configuration not applied, the first half would fail.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <mqtt/client.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "devices/registry.h"
#include "sim/brokerconf/mosquitto_config.h"
#include "sim/check/check_catalog.h"
#include "sim/identity/identity_provider.h"
#include "sim/identity/pki_files.h"
#include "sim/live/broker_address.h"
#include "sim/live/live_identity.h"
#include "sim/scenario/loader.h"
#include "tests/live/mosquitto_broker.h"

namespace mqttbed::brokerconf {
namespace {

namespace fs = std::filesystem;
using live::testing::free_loopback_port;
using live::testing::MosquittoBroker;

constexpr const char* kScenario = R"(name: secure-live
seed: 7
duration: 10s
fleet:
  homes: 2
  per_home:
    - {kind: gateway, count: 1}
  per_account:
    - {kind: app, count: 1}
identity:
  partner_id: xfinity
  certificate_lifetime: 175200h
  token_lifetime: 1h
checks: [isolation]
)";

// Two accounts: acct0 is the intruder's, acct1 the victim's.
constexpr const char* kGateway0 = "acct0-home0-gateway0";
constexpr const char* kGateway1 = "acct1-home1-gateway0";
constexpr const char* kApp0 = "acct0-app0";

std::int64_t wall_clock_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A port p with p and p + 1 both free a moment ago.
int free_port_pair() {
  for (;;) {
    const int port = free_loopback_port();
    const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port + 1));
    const bool free = ::bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(probe);
    if (free && port < 65535) return port;
  }
}

// How a test client logs in: a certificate + key, or a token as the password.
struct Login {
  std::string client_id;
  fs::path certificate;
  fs::path key;
  std::string token;
};

class Client {
 public:
  // Connects over TLS (trusting `ca`) to `port`; connected() says whether the broker accepted.
  Client(int port, const fs::path& ca, const Login& login)
      : client_("ssl://127.0.0.1:" + std::to_string(port), login.client_id) {
    ::mqtt::ssl_options ssl;
    ssl.set_trust_store(ca.string());
    if (!login.certificate.empty()) {
      ssl.set_key_store(login.certificate.string());
      ssl.set_private_key(login.key.string());
    }
    ::mqtt::connect_options options;
    options.set_mqtt_version(MQTTVERSION_3_1_1);
    options.set_clean_session(true);
    options.set_connect_timeout(5);
    options.set_ssl(std::move(ssl));
    if (!login.token.empty()) {
      options.set_user_name(login.client_id);
      options.set_password(login.token);
    }
    client_.start_consuming();
    try {
      client_.connect(options);
      connected_ = true;
    } catch (const ::mqtt::exception& error) {
      failure_ = error.what();
      code_ = error.get_return_code();
    }
  }
  ~Client() {
    if (connected_) {
      try {
        client_.disconnect();
      } catch (const ::mqtt::exception&) {
      }
    }
  }

  bool connected() const { return connected_; }
  const std::string& failure() const { return failure_; }
  // Paho's return code of a failed connect: the CONNACK code when the broker answered one.
  int code() const { return code_; }
  // True when the SUBACK granted the filter (3.1.1 refuses with 0x80).
  bool subscribe(const std::string& filter) {
    try {
      ::mqtt::subscribe_response response = client_.subscribe(filter, 1);
      for (::mqtt::ReasonCode code : response.get_reason_codes())
        if (code >= 0x80) return false;
      return true;
    } catch (const ::mqtt::exception&) {
      return false;
    }
  }
  // QoS 1: returns once the broker acknowledged (mosquitto PUBACKs a denied 3.1.1 publish too).
  void publish(const std::string& topic, const std::string& payload) {
    client_.publish(::mqtt::make_message(topic, payload, 1, false));
  }
  // The next message's topic, "" after `timeout` (a failure guard, not synchronisation).
  std::string next_topic(std::chrono::seconds timeout = std::chrono::seconds(10)) {
    ::mqtt::const_message_ptr message;
    if (!client_.try_consume_message_for(&message, timeout) || !message) return "";
    return message->get_topic();
  }

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

// Everything the test presents, issued by the scenario's own identity provider.
class GeneratedConfig : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("mqttbed-broker-config-" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    const fs::path scenario_file = *dir_ / "scenario.yaml";
    identity::write_text_file(scenario_file, kScenario);
    scenario::Scenario scenario = scenario::load_scenario_file(
        scenario_file.string(),
        scenario::Catalog{devices::kind_catalog(), check::scenario_check_names()});
    identity::IdentityProvider provider(scenario.identity, scenario.seed);
    const std::int64_t now_s = wall_clock_s();
    const identity::Duration now = std::chrono::seconds(now_s - identity::kScenarioEpochS);
    // Forgeries first, so the CRL written with the configuration lists the revoked one.
    auto put_pair = [&](const std::string& reference, const std::string& name) {
      identity::IdentityProvider::PemPair pair = provider.certificate_pem(reference);
      identity::write_text_file(*dir_ / "intruder" / (name + ".crt"), pair.certificate);
      identity::write_text_file(*dir_ / "intruder" / (name + ".key"), pair.key);
    };
    put_pair(provider.forged(kGateway0, identity::Forgery::unknown_ca_certificate, now).certificate,
             "unknown-ca");
    put_pair(provider.forged(kGateway0, identity::Forgery::revoked_certificate, now).certificate,
             "revoked");
    tokens_ = new std::map<identity::Forgery, std::string>;
    for (auto forgery : {identity::Forgery::expired_token, identity::Forgery::unknown_key_token,
                         identity::Forgery::unsigned_token})
      (*tokens_)[forgery] = provider.forged(kApp0, forgery, now).token;
    MosquittoConfigOptions options;
    // --pki finds the token listener at the certificate port + 1, as broker-config writes it.
    options.certificate_port = free_port_pair();
    options.token_port = options.certificate_port + 1;
    options.plugin = fs::path(MQTTBED_BINARY_DIR) / "mqttbed_mosquitto_auth.so";
    options.scenario_file = scenario_file;
    options.now_s = now_s;
    config_ = new MosquittoConfigOptions(options);
    write_mosquitto_config(provider, scenario, *dir_ / "mosquitto", options);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete config_;
    delete tokens_;
  }

  static fs::path pki(const fs::path& name) { return *dir_ / "mosquitto" / kPkiFolder / name; }
  static Login device(const std::string& id) {
    return {id, pki(identity::pki_path::certificate(id)), pki(identity::pki_path::key(id)), ""};
  }
  static Login app(const std::string& id) {
    std::ifstream in(pki(identity::pki_path::token(id)));
    std::string token;
    std::getline(in, token);
    return {id, "", "", token};
  }
  static Login intruder(const std::string& id, const std::string& name) {
    return {id, *dir_ / "intruder" / (name + ".crt"), *dir_ / "intruder" / (name + ".key"), ""};
  }

  // Every attempt against a broker listening for certificates on `cert_port` and tokens on
  // `token_port`.
  static Outcomes attempt(int cert_port, int token_port) {
    const fs::path ca = pki(identity::pki_path::kCa);
    Outcomes seen;
    Client victim(cert_port, ca, device(kGateway1));
    EXPECT_TRUE(victim.connected()) << victim.failure();
    seen.own_namespace_subscribe = victim.subscribe("platform/acct1/#");

    // The forged logins use kGateway0's and kApp0's own client ids: tried before the
    // legitimate gateway connects, so an accepted one cannot take its session over.
    seen.unknown_ca_connects = Client(cert_port, ca, intruder(kGateway0, "unknown-ca")).connected();
    seen.revoked_connects = Client(cert_port, ca, intruder(kGateway0, "revoked")).connected();
    Login spoofed = device(kGateway0);
    spoofed.client_id = "acct1-home1-light0";  // acct0's certificate, acct1's client id
    seen.spoofed_client_id_connects = Client(cert_port, ca, spoofed).connected();
    auto token_connects = [&](identity::Forgery forgery) {
      return Client(token_port, ca, {kApp0, "", "", tokens_->at(forgery)}).connected();
    };
    {
      Client expired(token_port, ca,
                     {kApp0, "", "", tokens_->at(identity::Forgery::expired_token)});
      seen.expired_token_connects = expired.connected();
      seen.expired_token_code = expired.code();
    }
    seen.unknown_key_token_connects = token_connects(identity::Forgery::unknown_key_token);
    seen.unsigned_token_connects = token_connects(identity::Forgery::unsigned_token);
    seen.app_connects = Client(token_port, ca, app(kApp0)).connected();

    Client gateway(cert_port, ca, device(kGateway0));
    seen.gateway_connects = gateway.connected();

    if (gateway.connected()) {
      seen.foreign_subscribe = gateway.subscribe("platform/acct1/#");
      seen.wildcard_subscribe = gateway.subscribe("#");
      gateway.publish("platform/acct1/home1/cmd/intruder", "open");
    }
    // The victim's own marker comes after the intruder's publish was acknowledged: mosquitto
    // handles both in arrival order, so an allowed intrusion reaches the victim first.
    victim.publish("platform/acct1/home1/marker", "mine");
    std::string first = victim.next_topic();
    seen.foreign_publish_delivered = first == "platform/acct1/home1/cmd/intruder";
    seen.own_publish_delivered = first == "platform/acct1/home1/marker" ||
                                 victim.next_topic() == "platform/acct1/home1/marker";
    return seen;
  }

  static fs::path* dir_;
  static MosquittoConfigOptions* config_;
  static std::map<identity::Forgery, std::string>* tokens_;
};
fs::path* GeneratedConfig::dir_ = nullptr;
MosquittoConfigOptions* GeneratedConfig::config_ = nullptr;
std::map<identity::Forgery, std::string>* GeneratedConfig::tokens_ = nullptr;

TEST_F(GeneratedConfig, EnforcesTheScenariosIdentitiesAndPolicy) {
  ASSERT_TRUE(fs::exists(config_->plugin)) << "build mqttbed_mosquitto_auth (mosquitto-dev)";
  const fs::path generated = *dir_ / "mosquitto";
  MosquittoBroker broker(10, [&](const std::string&) {
    return "allow_anonymous false\ninclude_dir " + generated.string() + "\n";
  });
  Outcomes seen = attempt(config_->certificate_port, config_->token_port);
  SCOPED_TRACE(broker.log());
  EXPECT_TRUE(seen.gateway_connects);
  EXPECT_TRUE(seen.app_connects);
  EXPECT_TRUE(seen.own_namespace_subscribe);
  EXPECT_TRUE(seen.own_publish_delivered);
  EXPECT_FALSE(seen.unknown_ca_connects);
  EXPECT_FALSE(seen.revoked_connects);
  EXPECT_FALSE(seen.spoofed_client_id_connects);
  EXPECT_FALSE(seen.expired_token_connects);
  // mosquitto answers a plugin's MOSQ_ERR_AUTH with CONNACK 5 (not authorized).
  EXPECT_EQ(seen.expired_token_code, 5);
  EXPECT_FALSE(seen.unknown_key_token_connects);
  EXPECT_FALSE(seen.unsigned_token_connects);
  EXPECT_FALSE(seen.foreign_subscribe);
  EXPECT_FALSE(seen.wildcard_subscribe);
  EXPECT_FALSE(seen.foreign_publish_delivered);
  // The refusals are the plugin's and the TLS layer's, with the policy's reasons.
  const std::string log = broker.log();
  EXPECT_NE(log.find("mqttbed: refused CONNECT of acct1-home1-light0"), std::string::npos);
  EXPECT_NE(log.find("mqttbed: refused CONNECT of acct0-app0: token expired"), std::string::npos);
  EXPECT_NE(log.find("mqttbed: denied iot:Subscribe of acct0-home0-gateway0 on #"),
            std::string::npos);
}

// The control: the same attempts against mosquitto with the same TLS server certificate but
// anonymous and without ACL all succeed, so the test above fails without the generated file.
TEST_F(GeneratedConfig, AnonymousMosquittoWithoutAclAllowsEveryAttempt) {
  const int tls_port = free_loopback_port();
  MosquittoBroker broker(10, [&](const std::string&) {
    return "allow_anonymous true\nlistener " + std::to_string(tls_port) + " 127.0.0.1\ncafile " +
           pki(identity::pki_path::kCa).string() + "\ncertfile " +
           pki(identity::pki_path::kServerCertificate).string() + "\nkeyfile " +
           pki(identity::pki_path::kServerKey).string() + "\n";
  });
  Outcomes seen = attempt(tls_port, tls_port);
  SCOPED_TRACE(broker.log());
  EXPECT_TRUE(seen.gateway_connects);
  EXPECT_TRUE(seen.app_connects);
  EXPECT_TRUE(seen.own_publish_delivered);
  EXPECT_TRUE(seen.unknown_ca_connects);
  EXPECT_TRUE(seen.revoked_connects);
  EXPECT_TRUE(seen.spoofed_client_id_connects);
  EXPECT_TRUE(seen.expired_token_connects);
  EXPECT_TRUE(seen.unknown_key_token_connects);
  EXPECT_TRUE(seen.unsigned_token_connects);
  EXPECT_TRUE(seen.foreign_subscribe);
  EXPECT_TRUE(seen.wildcard_subscribe);
  EXPECT_TRUE(seen.foreign_publish_delivered);
}

// Live clients with --pki: the probe (as the shadow service), a gateway with its certificate
// and an app with its token on the token listener are all admitted by the generated config.
TEST_F(GeneratedConfig, LiveClientsConnectWithTheirOwnIdentities) {
  const fs::path generated = *dir_ / "mosquitto";
  MosquittoBroker broker(10, [&](const std::string&) {
    return "allow_anonymous false\ninclude_dir " + generated.string() + "\n";
  });
  live::LiveOptions options;
  options.broker_url = "ssl://127.0.0.1:" + std::to_string(config_->certificate_port);
  options.pki_dir = (generated / kPkiFolder).string();
  EXPECT_NO_THROW(live::probe_broker(options)) << broker.log();
  for (const std::string id : {kGateway0, kApp0}) {
    const std::string uri = live::identity_uri(options.broker_url, options, id);
    EXPECT_EQ(uri, id == kApp0 ? "ssl://127.0.0.1:" + std::to_string(config_->token_port)
                               : options.broker_url);
    ::mqtt::client client(uri, id);
    ::mqtt::connect_options connect;
    connect.set_mqtt_version(MQTTVERSION_3_1_1);
    live::apply_identity(connect, options, id);
    EXPECT_NO_THROW(client.connect(connect)) << id << "\n" << broker.log();
    if (client.is_connected()) client.disconnect();
  }
  // Without --pki nothing is presented: the certificate listener refuses the handshake.
  options.pki_dir.clear();
  options.cafile = pki(identity::pki_path::kCa).string();
  EXPECT_THROW(live::probe_broker(options), live::BrokerUnreachable);
}

}  // namespace
}  // namespace mqttbed::brokerconf
