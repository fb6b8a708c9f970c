// `mqttbed authorizer` answers RabbitMQ's HTTP auth backend and aedes' hooks with the policy
// evaluator and token/certificate verifiers, without a broker: the questions are the ones
// RabbitMQ 3.10 and mqttbed-authorizer.js send (parameter names as they send them).
#include "sim/authorizer/authorizer_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <sstream>
#include <string>

#include "sim/brokerconf/aedes_config.h"
#include "sim/identity/pki_files.h"
#include "tests/brokerconf/enforcement_attempts.h"

namespace mqttbed::authorizer {
namespace {

namespace fs = std::filesystem;
using brokerconf::testing::Identities;

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class Endpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    ids_ = std::make_unique<Identities>("endpoint");
    brokerconf::ServedBrokerOptions options;
    options.now_s = ids_->now_s();
    brokerconf::write_aedes_config(ids_->provider(), ids_->scenario(), ids_->dir() / "out",
                                   options);
    ids_->use_config(ids_->dir() / "out");
    server_ = std::make_unique<AuthorizerServer>(ids_->scenario(), ids_->dir() / "out" / "pki");
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->start("127.0.0.1", 0));
  }
  std::string ask(const std::string& path, const httplib::Params& params) {
    auto result = client_->Get(path, params, httplib::Headers{});
    return result ? result->body : "no answer";
  }
  std::string token(const std::string& id) {
    std::string text = read(ids_->pki(identity::pki_path::token(id)));
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }

  std::unique_ptr<Identities> ids_;
  std::unique_ptr<AuthorizerServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(Endpoint, RabbitmqLoginsByTokenAndCertificateSubject) {
  EXPECT_EQ(ask("/rabbitmq/user",
                {{"username", "x"}, {"password", "not.a.jwt"}, {"client_id", "acct0-app0"}}),
            "deny");
  EXPECT_EQ(ask("/rabbitmq/user", {{"username", "acct0-app0"},
                                   {"password", token("acct0-app0")},
                                   {"client_id", "acct0-app0"}}),
            "allow");
  // acct0's token, acct1's client id: authenticated, then iot:Connect refuses.
  EXPECT_EQ(ask("/rabbitmq/user", {{"username", "acct0-app0"},
                                   {"password", token("acct0-app0")},
                                   {"client_id", "acct1-app0"}}),
            "deny");
  // Certificate logins: RabbitMQ sends the DN without password and without client id; the
  // vhost check, which carries the client id, decides iot:Connect.
  const std::string dn = "UID=02:00:00:00:00:00,CN=home0-gateway0,OU=acct0,O=xfinity";
  EXPECT_EQ(ask("/rabbitmq/user", {{"username", dn}}), "allow");
  EXPECT_EQ(ask("/rabbitmq/vhost",
                {{"username", dn}, {"vhost", "/"}, {"client_id", "acct0-home0-gateway0"}}),
            "allow");
  EXPECT_EQ(ask("/rabbitmq/vhost",
                {{"username", dn}, {"vhost", "/"}, {"client_id", "acct1-home1-gateway0"}}),
            "deny");
  // A user name that is not a DN, without a password, is no certificate login.
  EXPECT_EQ(ask("/rabbitmq/user", {{"username", "acct0-home0-gateway0"}}), "deny");
  // A token login's vhost check: allowed for the client id the token was admitted with.
  EXPECT_EQ(ask("/rabbitmq/vhost",
                {{"username", "acct0-app0"}, {"vhost", "/"}, {"client_id", "acct0-app0"}}),
            "allow");
  EXPECT_EQ(ask("/rabbitmq/vhost",
                {{"username", "acct0-app0"}, {"vhost", "/"}, {"client_id", "acct1-app0"}}),
            "deny");
  const std::string refusals = [&] {
    std::string text;
    for (const std::string& line : server_->refusals()) text += line + "\n";
    return text;
  }();
  EXPECT_NE(refusals.find("mqttbed: refused CONNECT of acct1-app0"), std::string::npos) << refusals;
}

TEST_F(Endpoint, RabbitmqTopicsAndResources) {
  const std::string dn = "CN=home0-gateway0,OU=acct0,O=xfinity";
  ASSERT_EQ(ask("/rabbitmq/user", {{"username", dn}}), "allow");
  ASSERT_EQ(ask("/rabbitmq/vhost",
                {{"username", dn}, {"vhost", "/"}, {"client_id", "acct0-home0-gateway0"}}),
            "allow");
  auto topic = [&](const std::string& permission, const std::string& key) {
    return ask("/rabbitmq/topic", {{"username", dn},
                                   {"resource", "topic"},
                                   {"name", "amq.topic"},
                                   {"permission", permission},
                                   {"routing_key", key},
                                   {"variable_map.client_id", "acct0-home0-gateway0"}});
  };
  EXPECT_EQ(topic("read", "platform.acct0.#"), "allow");
  EXPECT_EQ(topic("read", "platform.acct0.*.state"), "allow");
  EXPECT_EQ(topic("read", "#"), "deny");
  EXPECT_EQ(topic("read", "*.*.#"), "deny");
  EXPECT_EQ(topic("write", "platform.acct0.home0.state"), "allow");
  EXPECT_EQ(topic("write", "platform.acct1.home1.cmd"), "deny");
  auto resource = [&](const std::string& type, const std::string& name) {
    return ask("/rabbitmq/resource", {{"username", dn},
                                      {"resource", type},
                                      {"name", name},
                                      {"permission", "configure"},
                                      {"client_id", "acct0-home0-gateway0"}});
  };
  EXPECT_EQ(resource("exchange", "amq.topic"), "allow");
  EXPECT_EQ(resource("queue", "mqtt-subscription-acct0-home0-gateway0qos1"), "allow");
  EXPECT_EQ(resource("queue", "mqtt-subscription-acct1-home1-gateway0qos1"), "deny");
  EXPECT_EQ(resource("exchange", "amq.direct"), "deny");
  EXPECT_EQ(ask("/rabbitmq/vhost",
                {{"username", dn}, {"vhost", "other"}, {"client_id", "acct0-home0-gateway0"}}),
            "deny");
}

TEST_F(Endpoint, AedesVerifiesCertificatesAgainOnConnect) {
  const std::string id = brokerconf::testing::kGateway0;
  EXPECT_EQ(ask("/aedes/connect",
                {{"client_id", id},
                 {"certificate", read(ids_->pki(identity::pki_path::certificate(id)))}}),
            "allow");
  EXPECT_EQ(ask("/aedes/subscribe", {{"client_id", id}, {"filter", "platform/acct0/#"}}), "allow");
  EXPECT_EQ(ask("/aedes/subscribe", {{"client_id", id}, {"filter", "+/+/#"}}), "deny");
  EXPECT_EQ(ask("/aedes/publish", {{"client_id", id}, {"topic", "platform/acct1/x"}}), "deny");
  // The CRL was written after the forgery was revoked: the endpoint refuses it itself.
  EXPECT_EQ(
      ask("/aedes/connect",
          {{"client_id", id}, {"certificate", read(ids_->dir() / "intruder" / "revoked.crt")}}),
      "deny 4 certificate revoked");
  EXPECT_EQ(
      ask("/aedes/connect",
          {{"client_id", id}, {"certificate", read(ids_->dir() / "intruder" / "unknown-ca.crt")}})
          .rfind("deny 4 certificate ", 0),
      0u);
  // After the refused reconnect the id has no admitted connection any more.
  EXPECT_EQ(ask("/aedes/publish", {{"client_id", id}, {"topic", "platform/acct0/x"}}), "deny");
  EXPECT_EQ(ask("/aedes/connect", {{"client_id", "acct0-app0"}, {"token", token("acct0-app0")}}),
            "allow");
  EXPECT_EQ(
      ask("/aedes/connect", {{"client_id", "acct1-home1-light0"},
                             {"certificate", read(ids_->pki(identity::pki_path::certificate(id)))}})
          .rfind("deny 5 ", 0),
      0u);
  EXPECT_EQ(ask("/aedes/connect", {{"client_id", "acct0-app0"}}).rfind("deny 4 no credential", 0),
            0u);
}

}  // namespace
}  // namespace mqttbed::authorizer
