// aedes enforces the scenario's identities and policy with the configuration mqttbed generates
// (node TLS requiring a certificate from the scenario CA, its CRL; authenticate /
// authorizePublish / authorizeSubscribe asking `mqttbed authorizer`), and lets every attempt
// through when anonymous without it. Skipped only when node or aedes is not installed.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/authorizer/authorizer_server.h"
#include "sim/brokerconf/aedes_config.h"
#include "sim/identity/pki_files.h"
#include "tests/brokerconf/allow_all_endpoint.h"
#include "tests/brokerconf/enforcement_attempts.h"
#include "tests/brokerconf/served_broker.h"

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

class AedesConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    ids_ = std::make_unique<Identities>("aedes");
    options_.certificate_port = testing::free_port_run(3);
    options_.token_port = options_.certificate_port + 1;
    options_.authorizer = "127.0.0.1:" + std::to_string(options_.certificate_port + 2);
    options_.now_s = ids_->now_s();
    write_aedes_config(ids_->provider(), ids_->scenario(), generated(), options_);
    ids_->use_config(generated());
  }
  fs::path generated() const { return ids_->dir() / "aedes"; }

  std::unique_ptr<Identities> ids_;
  ServedBrokerOptions options_;
};

TEST_F(AedesConfig, EnforcesTheScenariosIdentitiesAndPolicy) {
  authorizer::AuthorizerServer authorizer(ids_->scenario(), generated() / "pki");
  authorizer.start("127.0.0.1", options_.certificate_port + 2);
  ServedBroker broker("aedes", generated(), options_.certificate_port, 60);
  if (!broker.missing().empty()) GTEST_SKIP() << broker.missing();
  ASSERT_TRUE(broker.serving()) << broker.log();
  Outcomes seen = ids_->attempt(options_.certificate_port, options_.token_port);
  SCOPED_TRACE(broker.log() + joined(authorizer.refusals()));
  testing::expect_enforced(seen);
  // The hook answers the broker model's code: 4 for bad credentials.
  EXPECT_EQ(seen.expired_token_code, 4);
  const std::string refusals = joined(authorizer.refusals());
  EXPECT_NE(refusals.find("mqttbed: refused CONNECT of acct1-home1-light0"), std::string::npos);
  EXPECT_NE(refusals.find("mqttbed: refused CONNECT of acct0-app0: token expired"),
            std::string::npos);
  EXPECT_NE(refusals.find("mqttbed: denied iot:Subscribe of acct0-home0-gateway0 on #"),
            std::string::npos);
  EXPECT_NE(refusals.find("mqttbed: denied iot:Publish of acct0-home0-gateway0 on "
                          "platform/acct1/home1/cmd/intruder"),
            std::string::npos);
}

// The control: aedes over TLS with the same server certificate, no client certificate asked
// for and hooks that allow everything lets every attempt through.
TEST_F(AedesConfig, AnonymousAedesWithoutAuthorizerAllowsEveryAttempt) {
  testing::AllowAllEndpoint endpoint;
  const int tls_port = testing::free_port_run(2);
  const fs::path control = ids_->dir() / "control";
  nlohmann::json config = {
      {"host", "127.0.0.1"},
      {"certificate_port", tls_port},
      {"token_port", tls_port + 1},
      {"require_certificate", false},
      {"ca", ids_->pki(identity::pki_path::kCa).string()},
      {"crl", ids_->pki(identity::pki_path::kCrl).string()},
      {"cert", ids_->pki(identity::pki_path::kServerCertificate).string()},
      {"key", ids_->pki(identity::pki_path::kServerKey).string()},
      {"authorizer", "http://127.0.0.1:" + std::to_string(endpoint.port()) + "/aedes/"}};
  identity::write_text_file(control / kAedesConfig, config.dump());
  ServedBroker broker("aedes", control, tls_port, 60);
  if (!broker.missing().empty()) GTEST_SKIP() << broker.missing();
  ASSERT_TRUE(broker.serving()) << broker.log();
  Outcomes seen = ids_->attempt(tls_port, tls_port);
  SCOPED_TRACE(broker.log());
  testing::expect_unenforced(seen);
}

}  // namespace
}  // namespace mqttbed::brokerconf
