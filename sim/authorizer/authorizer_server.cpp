#include "sim/authorizer/authorizer_server.h"

#include <httplib.h>
#include <openssl/pem.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "sim/brokerconf/live_authorizer.h"
#include "sim/brokerconf/rabbitmq_config.h"
#include "sim/identity/certificates.h"
#include "sim/identity/pki_files.h"

namespace mqttbed::authorizer {
namespace {

namespace fs = std::filesystem;
using identity::ConnectCheck;
using policy::Action;

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return text.str();
}

identity::X509Ptr certificate_from_pem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  identity::X509Ptr certificate(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return certificate;
}

identity::X509CrlPtr crl_from_pem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  identity::X509CrlPtr crl(PEM_read_bio_X509_CRL(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return crl;
}

ConnectCheck refusal(ConnectCheck::Outcome outcome, std::string reason) {
  ConnectCheck check;
  check.outcome = outcome;
  check.reason = std::move(reason);
  return check;
}

std::int64_t wall_clock_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct AuthorizerServer::State {
  State(const scenario::Scenario& scenario, const fs::path& pki)
      : authorizer(scenario, read_file(pki / identity::pki_path::kTokenKey)),
        ca(certificate_from_pem(read_file(pki / identity::pki_path::kCa))),
        crl(crl_from_pem(read_file(pki / identity::pki_path::kCrl))),
        skew_s(std::chrono::duration_cast<std::chrono::seconds>(scenario.identity.clock_skew)
                   .count()) {
    if (!ca || !crl) throw std::runtime_error("cannot parse the CA or CRL under " + pki.string());
    verifier.emplace(ca.get(), crl.get());
  }

  // The one lock: LiveAuthorizer is not thread-safe and httplib answers on a pool.
  std::mutex mutex;
  brokerconf::LiveAuthorizer authorizer;
  identity::X509Ptr ca;
  identity::X509CrlPtr crl;
  std::optional<identity::CertificateVerifier> verifier;
  std::int64_t skew_s;
  std::function<void(const std::string&)> sink;
  std::vector<std::string> refusals;
  // DNs RabbitMQ logged in by certificate (a user name it sent without a password).
  std::set<std::string> certificate_logins;

  void refused(const std::string& line) {
    refusals.push_back(line);
    if (sink) sink(line);
  }
  // Runs one CONNECT check; a refusal is logged with its reason.
  ConnectCheck connect(const std::string& client_id, const std::function<ConnectCheck()>& check) {
    ConnectCheck result;
    try {
      result = check();
    } catch (const std::exception& error) {
      result = ConnectCheck{};
      result.reason = error.what();
    }
    // As LiveAuthorizer does for its own refusals: a refused CONNECT leaves the client id
    // with no rights (brokerconf_test pins that).
    if (result.outcome != ConnectCheck::Outcome::accepted) {
      authorizer.forget(client_id);
      refused("mqttbed: refused CONNECT of " + client_id + ": " + result.reason);
    }
    return result;
  }
  bool decide(const std::string& client_id, Action action, const std::string& name) {
    policy::Decision decision = authorizer.decide(client_id, action, name);
    if (!decision.allowed)
      refused("mqttbed: denied " + std::string(policy::to_string(action)) + " of " + client_id +
              " on " + name + ": " + decision.reason);
    return decision.allowed;
  }
};

AuthorizerServer::AuthorizerServer(const scenario::Scenario& scenario, const fs::path& pki_dir)
    : state_(std::make_unique<State>(scenario, pki_dir)),
      server_(std::make_unique<httplib::Server>()) {
  State& state = *state_;
  // rabbitmq_auth_backend_http reads "allow" or "deny"; so does mqttbed-authorizer.js.
  auto answer = [](httplib::Response& res, bool allowed) {
    res.set_content(allowed ? "allow" : "deny", "text/plain");
  };

  // rabbitmq_auth_backend_http (GET, query parameters). With a password the login is an
  // app's token, and RabbitMQ sends the client id along: authenticated and iot:Connect here.
  // Without one it comes from ssl_cert_login: the user name is the DN of a certificate
  // RabbitMQ's TLS layer verified against the CA and CRL, and RabbitMQ 3.10 sends no client
  // id with it, so iot:Connect waits for the vhost check, which has the client id.
  server_->Get("/rabbitmq/user",
               [&state, answer](const httplib::Request& req, httplib::Response& res) {
                 const std::string client_id = req.get_param_value("client_id");
                 const std::string username = req.get_param_value("username");
                 std::lock_guard lock(state.mutex);
                 if (!req.has_param("password")) {
                   const bool is_dn = brokerconf::parse_distinguished_name(username).has_value();
                   if (is_dn)
                     state.certificate_logins.insert(username);
                   else
                     state.refused("mqttbed: refused login " + username + ": not a certificate DN");
                   answer(res, is_dn);
                   return;
                 }
                 ConnectCheck check = state.connect(client_id, [&]() -> ConnectCheck {
                   if (client_id.empty())
                     return refusal(ConnectCheck::Outcome::bad_credentials, "no client id");
                   return state.authorizer.connect_with_token(
                       client_id, req.get_param_value("password"), wall_clock_s());
                 });
                 answer(res, check.outcome == ConnectCheck::Outcome::accepted);
               });
  server_->Get("/rabbitmq/vhost", [&state, answer](const httplib::Request& req,
                                                   httplib::Response& res) {
    const std::string client_id = req.get_param_value("client_id");
    const std::string username = req.get_param_value("username");
    std::lock_guard lock(state.mutex);
    if (req.get_param_value("vhost") != "/" || client_id.empty()) return answer(res, false);
    if (!state.certificate_logins.count(username)) {
      // A token login, admitted (or not) by /rabbitmq/user for this very client id.
      return answer(res, state.authorizer.decide(client_id, Action::connect, client_id).allowed);
    }
    ConnectCheck check = state.connect(client_id, [&] {
      return state.authorizer.connect_with_subject(client_id,
                                                   *brokerconf::parse_distinguished_name(username));
    });
    answer(res, check.outcome == ConnectCheck::Outcome::accepted);
  });
  // The MQTT plugin's own objects: the amq.topic exchange and the client's subscription
  // queues (mqtt-subscription-<client id>qos0/1). Topics are decided by /rabbitmq/topic.
  server_->Get("/rabbitmq/resource", [answer](const httplib::Request& req, httplib::Response& res) {
    const std::string resource = req.get_param_value("resource");
    const std::string name = req.get_param_value("name");
    const std::string own_queue = "mqtt-subscription-" + req.get_param_value("client_id");
    answer(res, (resource == "exchange" && name == "amq.topic") ||
                    (resource == "queue" && name.rfind(own_queue, 0) == 0 &&
                     !req.get_param_value("client_id").empty()));
  });
  // write: a PUBLISH's routing key; read: a SUBSCRIBE's binding key (the filter).
  server_->Get(
      "/rabbitmq/topic", [&state, answer](const httplib::Request& req, httplib::Response& res) {
        const std::string client_id = req.get_param_value("variable_map.client_id");
        const bool write = req.get_param_value("permission") == "write";
        const std::string topic =
            brokerconf::topic_from_routing_key(req.get_param_value("routing_key"), !write);
        std::lock_guard lock(state.mutex);
        answer(res, state.decide(client_id, write ? Action::publish : Action::subscribe, topic));
      });

  // aedes' hooks (tests/live/brokers/aedes/mqttbed-authorizer.js). A certificate is checked
  // here again (chain, CRL, validity) although node's TLS layer checked it: the endpoint
  // trusts nothing the hook did not prove. A refused CONNECT's answer carries the CONNACK code
  // (4 bad credentials, 5 not authorized) as the broker model answers it.
  server_->Get("/aedes/connect", [&state](const httplib::Request& req, httplib::Response& res) {
    const std::string client_id = req.get_param_value("client_id");
    std::lock_guard lock(state.mutex);
    ConnectCheck check = state.connect(client_id, [&]() -> ConnectCheck {
      if (req.has_param("certificate")) {
        identity::X509Ptr leaf = certificate_from_pem(req.get_param_value("certificate"));
        if (!leaf) return refusal(ConnectCheck::Outcome::bad_credentials, "unreadable certificate");
        identity::CertificateCheck verified =
            state.verifier->verify(leaf.get(), wall_clock_s(), state.skew_s);
        if (verified.error != identity::CertificateError::none)
          return refusal(ConnectCheck::Outcome::bad_credentials,
                         std::string("certificate ") + identity::to_string(verified.error));
        return state.authorizer.connect_with_certificate(client_id, leaf.get());
      }
      if (req.has_param("token"))
        return state.authorizer.connect_with_token(client_id, req.get_param_value("token"),
                                                   wall_clock_s());
      return refusal(ConnectCheck::Outcome::bad_credentials,
                     "no credential (neither a client certificate nor a token)");
    });
    if (check.outcome == ConnectCheck::Outcome::accepted)
      res.set_content("allow", "text/plain");
    else
      res.set_content(std::string("deny ") +
                          (check.outcome == ConnectCheck::Outcome::not_authorized ? "5 " : "4 ") +
                          check.reason,
                      "text/plain");
  });
  auto topic_route = [&state, answer](Action action, const char* key) {
    return [&state, answer, action, key](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(state.mutex);
      answer(res, state.decide(req.get_param_value("client_id"), action, req.get_param_value(key)));
    };
  };
  server_->Get("/aedes/publish", topic_route(Action::publish, "topic"));
  server_->Get("/aedes/subscribe", topic_route(Action::subscribe, "filter"));
  // No forgetting on disconnect: aedes reports the old connection's end after a takeover by
  // the same client id, which would erase the new one's rights. A client id's entry is
  // replaced by its next admitted CONNECT and erased by a refused one.
}

AuthorizerServer::~AuthorizerServer() { stop(); }

int AuthorizerServer::start(const std::string& host, int port) {
  int bound = port;
  if (port == 0) {
    bound = server_->bind_to_any_port(host);
  } else if (!server_->bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound <= 0) throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port));
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return bound;
}

void AuthorizerServer::stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

void AuthorizerServer::on_refusal(std::function<void(const std::string&)> sink) {
  std::lock_guard lock(state_->mutex);
  state_->sink = std::move(sink);
}

std::vector<std::string> AuthorizerServer::refusals() const {
  std::lock_guard lock(state_->mutex);
  return state_->refusals;
}

}  // namespace mqttbed::authorizer
