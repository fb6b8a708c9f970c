// RabbitMQ 3.10 enforces the scenario's identities and policy with the configuration mqttbed
// generates (TLS with the scenario CA and CRL, certificate login, rabbitmq_auth_backend_http
// asking `mqttbed authorizer`), and lets every attempt through when anonymous without it.
// Skipped only when RabbitMQ is not installed (scripts/install-deps.sh installs it).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "sim/authorizer/authorizer_server.h"
#include "sim/brokerconf/rabbitmq_config.h"
#include "sim/identity/pki_files.h"
#include "tests/brokerconf/allow_all_endpoint.h"
#include "tests/brokerconf/enforcement_attempts.h"
#include "tests/brokerconf/served_broker.h"
#include "tests/live/mosquitto_broker.h"

namespace mqttbed::brokerconf {
namespace {

namespace fs = std::filesystem;
using testing::Identities;
using testing::Outcomes;
using testing::ServedBroker;

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

class RabbitmqConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    ids_ = std::make_unique<Identities>("rabbitmq");
    options_.certificate_port = testing::free_port_run(3);
    options_.token_port = options_.certificate_port + 1;
    options_.authorizer = "127.0.0.1:" + std::to_string(options_.certificate_port + 2);
    options_.now_s = ids_->now_s();
    write_rabbitmq_config(ids_->provider(), ids_->scenario(), generated(), options_);
    ids_->use_config(generated());
  }
  fs::path generated() const { return ids_->dir() / "rabbitmq"; }

  std::unique_ptr<Identities> ids_;
  ServedBrokerOptions options_;
};

TEST_F(RabbitmqConfig, EnforcesTheScenariosIdentitiesAndPolicy) {
  authorizer::AuthorizerServer authorizer(ids_->scenario(), generated() / "pki");
  authorizer.start("127.0.0.1", options_.certificate_port + 2);
  ServedBroker broker("rabbitmq", generated(), options_.certificate_port);
  if (!broker.missing().empty()) GTEST_SKIP() << broker.missing();
  ASSERT_TRUE(broker.serving()) << broker.log();
  Outcomes seen = ids_->attempt(options_.certificate_port, options_.token_port);
  SCOPED_TRACE(broker.log() + joined(authorizer.refusals()));
  testing::expect_enforced(seen);
  // A login the HTTP backend refuses is "bad user name or password" to RabbitMQ.
  EXPECT_EQ(seen.expired_token_code, 4);
  // The refusals are the endpoint's (with the policy's reasons) and the TLS layer's.
  const std::string refusals = joined(authorizer.refusals());
  EXPECT_NE(refusals.find("mqttbed: refused CONNECT of acct1-home1-light0"), std::string::npos);
  EXPECT_NE(refusals.find("mqttbed: refused CONNECT of acct0-app0: token expired"),
            std::string::npos);
  EXPECT_NE(refusals.find("mqttbed: denied iot:Subscribe of acct0-home0-gateway0 on #"),
            std::string::npos);
  EXPECT_NE(refusals.find("mqttbed: denied iot:Publish of acct0-home0-gateway0 on "
                          "platform/acct1/home1/cmd/intruder"),
            std::string::npos);
  EXPECT_NE(broker.log().find("Certificate Revoked"), std::string::npos);
}

// The control: RabbitMQ with the same TLS server certificate, no client-certificate check and
// an auth backend that allows everything (anonymous logins as its default user) lets every
// attempt through, so the test above fails without the generated configuration.
TEST_F(RabbitmqConfig, AnonymousRabbitmqWithoutAuthorizerAllowsEveryAttempt) {
  testing::AllowAllEndpoint endpoint;
  const int tls_port = live::testing::free_loopback_port();
  const fs::path control = ids_->dir() / "control";
  const std::string http = "http://127.0.0.1:" + std::to_string(endpoint.port()) + "/";
  identity::write_text_file(
      control / kRabbitmqConf,
      "listeners.tcp = none\nmqtt.listeners.tcp = none\n"
      "mqtt.listeners.ssl.default = 127.0.0.1:" +
          std::to_string(tls_port) +
          "\nssl_options.cacertfile = " + ids_->pki(identity::pki_path::kCa).string() +
          "\nssl_options.certfile = " + ids_->pki(identity::pki_path::kServerCertificate).string() +
          "\nssl_options.keyfile = " + ids_->pki(identity::pki_path::kServerKey).string() +
          "\nssl_options.verify = verify_none\n"
          "mqtt.allow_anonymous = true\nmqtt.default_user = anyone\nmqtt.default_pass = any\n"
          "mqtt.vhost = /\nmqtt.exchange = amq.topic\nauth_backends.1 = http\n"
          "auth_http.user_path = " +
          http + "user\nauth_http.vhost_path = " + http +
          "vhost\nauth_http.resource_path = " + http + "resource\nauth_http.topic_path = " + http +
          "topic\nlog.console = true\nlog.console.level = info\nlog.file = false\n");
  identity::write_text_file(control / kRabbitmqAdvancedConfig,
                            "[{rabbitmq_mqtt, [{ignore_colons_in_username, true}]}].\n");
  identity::write_text_file(control / kRabbitmqEnabledPlugins,
                            "[rabbitmq_mqtt,rabbitmq_auth_backend_http].\n");
  ServedBroker broker("rabbitmq", control, tls_port);
  if (!broker.missing().empty()) GTEST_SKIP() << broker.missing();
  ASSERT_TRUE(broker.serving()) << broker.log();
  Outcomes seen = ids_->attempt(tls_port, tls_port);
  SCOPED_TRACE(broker.log());
  testing::expect_unenforced(seen);
}

// RabbitMQ's certificate login hands the subject over as RFC 4514 text, most specific first.
TEST(RabbitmqTranslations, DistinguishedNameAndRoutingKeys) {
  auto subject = parse_distinguished_name(
      "UID=aa:bb:cc,SERIALNUMBER=1234-uuid,CN=home0-gateway0,OU=acct0,O=x\\,y");
  ASSERT_TRUE(subject);
  EXPECT_EQ(subject->partner_id, "x,y");
  EXPECT_EQ(subject->account_id, "acct0");
  EXPECT_EQ(subject->common_name, "home0-gateway0");
  EXPECT_EQ(subject->installation_id, "1234-uuid");
  EXPECT_EQ(subject->mac, "aa:bb:cc");
  EXPECT_FALSE(parse_distinguished_name("acct0-app0"));
  EXPECT_EQ(topic_from_routing_key("platform.acct1.*.#", true), "platform/acct1/+/#");
  EXPECT_EQ(topic_from_routing_key("a.b*", false), "a/b*");
  // An MQTT topic "platform.acct1.x" routes as platform/acct1/x, so it is judged as that.
  EXPECT_EQ(topic_from_routing_key("platform.acct1.x", false), "platform/acct1/x");
}

}  // namespace
}  // namespace mqttbed::brokerconf
