#include "tests/brokerconf/allow_all_endpoint.h"

#include <httplib.h>

namespace mqttbed::brokerconf::testing {

AllowAllEndpoint::AllowAllEndpoint() : server_(std::make_unique<httplib::Server>()) {
  server_->Get(R"(/.*)", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("allow", "text/plain");
  });
  port_ = server_->bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
}

AllowAllEndpoint::~AllowAllEndpoint() {
  server_->stop();
  thread_.join();
}

}  // namespace mqttbed::brokerconf::testing
