// The controls' authorizer: an HTTP endpoint on loopback answering "allow" to every question
// (RabbitMQ's auth backend and aedes' hooks need some answer; this is "no authorizer").
#pragma once

#include <memory>
#include <thread>

namespace httplib {
class Server;
}

namespace mqttbed::brokerconf::testing {

class AllowAllEndpoint {
 public:
  AllowAllEndpoint();
  ~AllowAllEndpoint();
  int port() const { return port_; }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace mqttbed::brokerconf::testing
