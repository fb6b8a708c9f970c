#include "tests/brokerconf/enforcement_attempts.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "devices/registry.h"
#include "sim/check/check_catalog.h"
#include "sim/identity/pki_files.h"
#include "sim/scenario/loader.h"
#include "tests/live/mosquitto_broker.h"

namespace mqttbed::brokerconf::testing {

namespace fs = std::filesystem;

namespace {

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

bool loopback_port_free(int port) {
  const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool free = ::bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(probe);
  return free;
}

}  // namespace

std::int64_t wall_clock_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int free_port_run(int count) {
  for (;;) {
    const int port = live::testing::free_loopback_port();
    if (port + count - 1 > 65535) continue;
    bool free = true;
    for (int i = 1; i < count && free; ++i) free = loopback_port_free(port + i);
    if (free) return port;
  }
}

Client::Client(int port, const fs::path& ca, const Login& login)
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

Client::~Client() {
  if (connected_ && client_.is_connected()) {
    try {
      client_.disconnect();
    } catch (const ::mqtt::exception&) {
    }
  }
}

bool Client::subscribe(const std::string& filter) {
  try {
    ::mqtt::subscribe_response response = client_.subscribe(filter, 1);
    for (::mqtt::ReasonCode code : response.get_reason_codes())
      if (code >= 0x80) return false;
    return true;
  } catch (const ::mqtt::exception&) {
    return false;
  }
}

bool Client::publish(const std::string& topic, const std::string& payload) {
  try {
    client_.publish(::mqtt::make_message(topic, payload, 1, false));
    return true;
  } catch (const ::mqtt::exception&) {
    return false;
  }
}

std::string Client::next_topic(std::chrono::seconds timeout) {
  ::mqtt::const_message_ptr message;
  if (!client_.try_consume_message_for(&message, timeout) || !message) return "";
  return message->get_topic();
}

void expect_enforced(const Outcomes& seen) {
  EXPECT_TRUE(seen.gateway_connects);
  EXPECT_TRUE(seen.app_connects);
  EXPECT_TRUE(seen.own_namespace_subscribe);
  EXPECT_TRUE(seen.own_publish_delivered);
  EXPECT_FALSE(seen.unknown_ca_connects);
  EXPECT_FALSE(seen.revoked_connects);
  EXPECT_FALSE(seen.spoofed_client_id_connects);
  EXPECT_FALSE(seen.expired_token_connects);
  EXPECT_FALSE(seen.unknown_key_token_connects);
  EXPECT_FALSE(seen.unsigned_token_connects);
  EXPECT_FALSE(seen.foreign_subscribe);
  EXPECT_FALSE(seen.wildcard_subscribe);
  EXPECT_FALSE(seen.foreign_publish_delivered);
}

void expect_unenforced(const Outcomes& seen) {
  EXPECT_TRUE(seen.gateway_connects);
  EXPECT_TRUE(seen.app_connects);
  EXPECT_TRUE(seen.own_namespace_subscribe);
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

Identities::Identities(const std::string& name) {
  dir_ = fs::temp_directory_path() /
         ("mqttbed-broker-config-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir_);
  scenario_file_ = dir_ / "scenario.yaml";
  identity::write_text_file(scenario_file_, kScenario);
  scenario_ = scenario::load_scenario_file(
      scenario_file_.string(),
      scenario::Catalog{devices::kind_catalog(), check::scenario_check_names()});
  provider_ = std::make_unique<identity::IdentityProvider>(scenario_.identity, scenario_.seed);
  now_s_ = wall_clock_s();
  const identity::Duration now = std::chrono::seconds(now_s_ - identity::kScenarioEpochS);
  // Forgeries first, so the CRL written with the configuration lists the revoked one.
  auto put_pair = [&](const std::string& reference, const std::string& file) {
    identity::IdentityProvider::PemPair pair = provider_->certificate_pem(reference);
    identity::write_text_file(dir_ / "intruder" / (file + ".crt"), pair.certificate);
    identity::write_text_file(dir_ / "intruder" / (file + ".key"), pair.key);
  };
  put_pair(provider_->forged(kGateway0, identity::Forgery::unknown_ca_certificate, now).certificate,
           "unknown-ca");
  put_pair(provider_->forged(kGateway0, identity::Forgery::revoked_certificate, now).certificate,
           "revoked");
  for (auto forgery : {identity::Forgery::expired_token, identity::Forgery::unknown_key_token,
                       identity::Forgery::unsigned_token})
    tokens_[forgery] = provider_->forged(kApp0, forgery, now).token;
}

Identities::~Identities() {
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

fs::path Identities::pki(const fs::path& name) const { return config_dir_ / "pki" / name; }

Login Identities::device(const std::string& id) const {
  return {id, pki(identity::pki_path::certificate(id)), pki(identity::pki_path::key(id)), ""};
}

Login Identities::app(const std::string& id) const {
  std::ifstream in(pki(identity::pki_path::token(id)));
  std::string token;
  std::getline(in, token);
  return {id, "", "", token};
}

Login Identities::intruder(const std::string& id, const std::string& name) const {
  return {id, dir_ / "intruder" / (name + ".crt"), dir_ / "intruder" / (name + ".key"), ""};
}

Outcomes Identities::attempt(int cert_port, int token_port) const {
  const fs::path ca = pki(identity::pki_path::kCa);
  Outcomes seen;
  Client victim(cert_port, ca, device(kGateway1));
  seen.own_namespace_subscribe = victim.connected() && victim.subscribe("platform/acct1/#");

  // The forged logins use kGateway0's and kApp0's own client ids: tried before the
  // legitimate gateway connects, so an accepted one cannot take its session over.
  seen.unknown_ca_connects = Client(cert_port, ca, intruder(kGateway0, "unknown-ca")).connected();
  seen.revoked_connects = Client(cert_port, ca, intruder(kGateway0, "revoked")).connected();
  Login spoofed = device(kGateway0);
  spoofed.client_id = "acct1-home1-light0";  // acct0's certificate, acct1's client id
  seen.spoofed_client_id_connects = Client(cert_port, ca, spoofed).connected();
  auto token_connects = [&](identity::Forgery forgery) {
    return Client(token_port, ca, {kApp0, "", "", tokens_.at(forgery)}).connected();
  };
  {
    Client expired(token_port, ca, {kApp0, "", "", tokens_.at(identity::Forgery::expired_token)});
    seen.expired_token_connects = expired.connected();
    seen.expired_token_code = expired.code();
  }
  seen.unknown_key_token_connects = token_connects(identity::Forgery::unknown_key_token);
  seen.unsigned_token_connects = token_connects(identity::Forgery::unsigned_token);
  seen.app_connects = Client(token_port, ca, app(kApp0)).connected();

  // Each intrusion on a connection of its own: RabbitMQ and aedes close the connection of a
  // denied operation, which must not hide the next attempt.
  seen.gateway_connects = Client(cert_port, ca, device(kGateway0)).connected();
  {
    Client gateway(cert_port, ca, device(kGateway0));
    seen.foreign_subscribe = gateway.connected() && gateway.subscribe("platform/acct1/#");
  }
  {
    Client gateway(cert_port, ca, device(kGateway0));
    seen.wildcard_subscribe = gateway.connected() && gateway.subscribe("#");
  }
  {
    Client gateway(cert_port, ca, device(kGateway0));
    if (gateway.connected()) gateway.publish("platform/acct1/home1/cmd/intruder", "open");
  }
  // The victim's own marker comes after the intruder's publish was acknowledged (or its
  // connection closed): brokers handle both in arrival order, so an allowed intrusion reaches
  // the victim first.
  victim.publish("platform/acct1/home1/marker", "mine");
  std::string first = victim.next_topic();
  seen.foreign_publish_delivered = first == "platform/acct1/home1/cmd/intruder";
  seen.own_publish_delivered = first == "platform/acct1/home1/marker" ||
                               victim.next_topic() == "platform/acct1/home1/marker";
  return seen;
}

}  // namespace mqttbed::brokerconf::testing
