// The mosquitto configuration mqttbed generates from a scenario is what enforces its
// identities and policy: the same attempts (a legitimate device, an unknown CA's certificate,
// bad tokens, a spoofed client id, another account's namespace) are refused by mosquitto
// running the generated TLS listeners + authorizer plugin, and succeed against an anonymous
// mosquitto without ACL. Were the configuration not applied, the first half would fail.
#include <gtest/gtest.h>
#include <mqtt/client.h>

#include <filesystem>
#include <memory>
#include <string>

#include "sim/brokerconf/mosquitto_config.h"
#include "sim/identity/pki_files.h"
#include "sim/live/broker_address.h"
#include "sim/live/live_identity.h"
#include "tests/brokerconf/enforcement_attempts.h"
#include "tests/live/mosquitto_broker.h"

namespace mqttbed::brokerconf {
namespace {

namespace fs = std::filesystem;
using live::testing::free_loopback_port;
using live::testing::MosquittoBroker;
using testing::Identities;
using testing::kApp0;
using testing::kGateway0;
using testing::Outcomes;

class GeneratedConfig : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ids_ = new Identities("mosquitto");
    MosquittoConfigOptions options;
    // --pki finds the token listener at the certificate port + 1, as broker-config writes it.
    options.certificate_port = testing::free_port_run(2);
    options.token_port = options.certificate_port + 1;
    options.plugin = fs::path(MQTTBED_BINARY_DIR) / "mqttbed_mosquitto_auth.so";
    options.scenario_file = ids_->scenario_file();
    options.now_s = ids_->now_s();
    config_ = new MosquittoConfigOptions(options);
    write_mosquitto_config(ids_->provider(), ids_->scenario(), ids_->dir() / "mosquitto", options);
    ids_->use_config(ids_->dir() / "mosquitto");
  }
  static void TearDownTestSuite() {
    delete ids_;
    delete config_;
  }

  static fs::path pki(const fs::path& name) { return ids_->pki(name); }
  static Outcomes attempt(int cert_port, int token_port) {
    return ids_->attempt(cert_port, token_port);
  }

  static Identities* ids_;
  static MosquittoConfigOptions* config_;
};
Identities* GeneratedConfig::ids_ = nullptr;
MosquittoConfigOptions* GeneratedConfig::config_ = nullptr;

TEST_F(GeneratedConfig, EnforcesTheScenariosIdentitiesAndPolicy) {
  ASSERT_TRUE(fs::exists(config_->plugin)) << "build mqttbed_mosquitto_auth (mosquitto-dev)";
  const fs::path generated = ids_->dir() / "mosquitto";
  MosquittoBroker broker(10, [&](const std::string&) {
    return "allow_anonymous false\ninclude_dir " + generated.string() + "\n";
  });
  Outcomes seen = attempt(config_->certificate_port, config_->token_port);
  SCOPED_TRACE(broker.log());
  testing::expect_enforced(seen);
  // mosquitto answers a plugin's MOSQ_ERR_AUTH with CONNACK 5 (not authorized).
  EXPECT_EQ(seen.expired_token_code, 5);
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
  testing::expect_unenforced(seen);
}

// Live clients with --pki: the probe (as the shadow service), a gateway with its certificate
// and an app with its token on the token listener are all admitted by the generated config.
TEST_F(GeneratedConfig, LiveClientsConnectWithTheirOwnIdentities) {
  const fs::path generated = ids_->dir() / "mosquitto";
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
