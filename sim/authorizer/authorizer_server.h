// `mqttbed authorizer`: the talk's custom authorizer as an HTTP endpoint on loopback, for the
// brokers that cannot load mqttbed's code. RabbitMQ's rabbitmq_auth_backend_http asks it on
// every login, vhost, resource and topic check (/rabbitmq/...), aedes' hooks on every
// connect, publish and subscribe (/aedes/...). Each answer comes from brokerconf::LiveAuthorizer,
// the same policy evaluator and token verifier the mosquitto plugin and the simulation use.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sim/scenario/scenario.h"

namespace httplib {
class Server;
}

namespace mqttbed::authorizer {

class AuthorizerServer {
 public:
  // `pki_dir`: broker-config's OUT/pki (token-key.pem, ca.crt, crl.pem). Throws
  // std::runtime_error when a file is missing or unreadable.
  AuthorizerServer(const scenario::Scenario& scenario, const std::filesystem::path& pki_dir);
  ~AuthorizerServer();
  AuthorizerServer(const AuthorizerServer&) = delete;
  AuthorizerServer& operator=(const AuthorizerServer&) = delete;

  // Binds host:port (0: a free port) and serves on a thread; returns the bound port. Throws
  // std::runtime_error when the port cannot be bound.
  int start(const std::string& host, int port);
  void stop();

  // Called with every refusal, the policy's or the verifier's reason in it ("mqttbed: refused
  // CONNECT of acct0-app0: token expired", "mqttbed: denied iot:Subscribe of … on #: …").
  void on_refusal(std::function<void(const std::string&)> sink);
  // Every refusal so far.
  std::vector<std::string> refusals() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace mqttbed::authorizer
