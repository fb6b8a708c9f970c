// The generated broker configuration without a broker: the PKI files are the provider's own
// identities, the ACL rendering says what an ACL file can and cannot express of a policy, and
// the plugin's authorizer decides as the policy does (tokens against the wall clock).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "devices/registry.h"
#include "sim/brokerconf/live_authorizer.h"
#include "sim/brokerconf/mosquitto_config.h"
#include "sim/check/check_catalog.h"
#include "sim/identity/pki_files.h"
#include "sim/scenario/loader.h"

namespace mqttbed::brokerconf {
namespace {

namespace fs = std::filesystem;

constexpr const char* kScenario = R"(name: pki
seed: 3
duration: 10s
fleet:
  homes: 2
  per_home:
    - {kind: gateway, count: 1}
  per_account:
    - {kind: app, count: 1}
identity:
  certificate_lifetime: 175200h
  token_lifetime: 1h
)";

constexpr std::int64_t kNow = identity::kScenarioEpochS + 86'400;  // a day into the scenario

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Fixture {
  scenario::Scenario scenario = scenario::load_scenario_text(
      kScenario, "pki.yaml",
      scenario::Catalog{devices::kind_catalog(), check::scenario_check_names()});
  identity::IdentityProvider provider{scenario.identity, scenario.seed};
  fs::path dir = fs::temp_directory_path() / ("mqttbed-pki-" + std::to_string(::getpid()));
  ~Fixture() { fs::remove_all(dir); }
};

TEST(PkiFiles, WritesEveryHoldersCredentialFromTheProvider) {
  Fixture f;
  auto written = identity::write_pki(f.provider, f.scenario, f.dir, kNow);
  EXPECT_TRUE(fs::exists(f.dir / identity::pki_path::kCa));
  EXPECT_TRUE(fs::exists(f.dir / identity::pki_path::kCrl));
  EXPECT_TRUE(fs::exists(f.dir / identity::pki_path::kServerKey));
  // Home devices and the shadow service hold certificates, apps hold tokens.
  EXPECT_TRUE(fs::exists(f.dir / identity::pki_path::certificate("acct0-home0-gateway0")));
  EXPECT_TRUE(fs::exists(f.dir / identity::pki_path::key("acct1-home1-gateway0")));
  EXPECT_TRUE(fs::exists(f.dir / identity::pki_path::certificate("cloud-shadow")));
  EXPECT_TRUE(fs::exists(f.dir / identity::pki_path::token("acct1-app0")));
  EXPECT_FALSE(fs::exists(f.dir / identity::pki_path::certificate("acct1-app0")));
  EXPECT_EQ(written.size(), 5u + 2 * 2 + 2 + 2);  // 5 shared, 2 gateways, shadow, 2 apps
  // The file is the provider's certificate: the same identity as in simulation.
  auto credentials = f.provider.credentials_for("acct0-home0-gateway0", {});
  EXPECT_EQ(read(f.dir / identity::pki_path::certificate("acct0-home0-gateway0")),
            f.provider.certificate_pem(credentials.certificate).certificate);
}

TEST(PkiFiles, RefusesAClockOutsideTheCertificatesValidity) {
  Fixture f;
  const std::int64_t past_lifetime = 20LL * 365 * 86'400 + 86'400;  // 175200h + a day
  EXPECT_THROW(
      identity::write_pki(f.provider, f.scenario, f.dir, identity::kScenarioEpochS + past_lifetime),
      std::runtime_error);
  EXPECT_THROW(identity::write_pki(f.provider, f.scenario, f.dir, identity::kScenarioEpochS - 1),
               std::runtime_error);
}

TEST(MosquittoAcl, TheDefaultPolicyNeedsThePlugin) {
  // The account namespaces hang on ${principal:aid}: no ACL substitution exists for it.
  std::string acl = mosquitto_acl(policy::default_policy());
  EXPECT_EQ(acl.find("\npattern "), std::string::npos) << acl;
  EXPECT_NE(acl.find("# not expressible: topic/platform/${principal:aid}/*"), std::string::npos)
      << acl;
  EXPECT_NE(acl.find("cannot select statements by device kind"), std::string::npos) << acl;
}

TEST(MosquittoAcl, ClientIdNamespacesAndDeniesBecomePatterns) {
  const std::string text = std::string(kScenario) + R"(policy:
  - name: own
    attach: ["*"]
    statements:
      - effect: allow
        action: iot:Connect
        resource: "client/${iot:ClientId}"
      - effect: allow
        action: [iot:Publish, iot:Receive, iot:Subscribe]
        resource: ["topic/devices/${iot:ClientId}/*", "topicfilter/devices/${iot:ClientId}/*"]
      - effect: allow
        action: iot:Receive
        resource: "topic/broadcast"
      - effect: deny
        action: iot:Publish
        resource: "topic/devices/${iot:ClientId}/ro*"
)";
  auto scenario = scenario::load_scenario_text(
      text, "acl.yaml", scenario::Catalog{devices::kind_catalog(), check::scenario_check_names()});
  std::string acl = mosquitto_acl(*scenario.policy);
  EXPECT_NE(acl.find("pattern readwrite devices/%c/#\n"), std::string::npos) << acl;
  EXPECT_NE(acl.find("pattern read broadcast\n"), std::string::npos) << acl;
  EXPECT_NE(acl.find("# not expressible: topic/devices/${iot:ClientId}/ro*"), std::string::npos)
      << acl;
}

TEST(LiveAuthorizer, DecidesAsThePolicyWithTokensOnTheWallClock) {
  Fixture f;
  LiveAuthorizer authorizer(f.scenario, f.provider.token_key_pem());
  const identity::Duration now = std::chrono::seconds(kNow - identity::kScenarioEpochS);
  std::string token = f.provider.credentials_for("acct1-app0", now).token;
  EXPECT_EQ(authorizer.connect_with_token("acct1-app0", token, kNow).outcome,
            identity::ConnectCheck::Outcome::accepted);
  EXPECT_TRUE(
      authorizer.decide("acct1-app0", policy::Action::publish, "platform/acct1/home1/cmd").allowed);
  EXPECT_FALSE(
      authorizer.decide("acct1-app0", policy::Action::subscribe, "platform/acct0/#").allowed);
  // Another client id with acct1's token: authenticated, then refused by iot:Connect.
  EXPECT_EQ(authorizer.connect_with_token("acct0-app0", token, kNow).outcome,
            identity::ConnectCheck::Outcome::not_authorized);
  EXPECT_FALSE(
      authorizer.decide("acct0-app0", policy::Action::receive, "platform/acct0/x").allowed);
  // Two hours later the one-hour token has expired (skew 30 s).
  EXPECT_EQ(authorizer.connect_with_token("acct1-app0", token, kNow + 7200).outcome,
            identity::ConnectCheck::Outcome::bad_credentials);
  EXPECT_FALSE(
      authorizer.decide("acct1-app0", policy::Action::publish, "platform/acct1/x").allowed);
}

}  // namespace
}  // namespace mqttbed::brokerconf
