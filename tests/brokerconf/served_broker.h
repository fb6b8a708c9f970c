// RabbitMQ or aedes running a configuration mqttbed generated, for the enforcement tests:
// started through tests/live/matrix.py --serve, which owns how each broker is started on
// loopback (RabbitMQ's private node name, epmd and folders), and stopped on destruction.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

namespace mqttbed::brokerconf::testing {

class ServedBroker {
 public:
  // `broker`: rabbitmq or aedes; `config_dir`: what broker-config wrote (or a control
  // configuration with the same file names); `port`: a listener it opens. Waits up to
  // `timeout_s` for the broker to listen; afterwards exactly one of serving(), missing() or a
  // failure (log() says why) holds.
  ServedBroker(const std::string& broker, const std::filesystem::path& config_dir, int port,
               int timeout_s = 240);
  ~ServedBroker();
  ServedBroker(const ServedBroker&) = delete;
  ServedBroker& operator=(const ServedBroker&) = delete;

  bool serving() const;
  // Why the broker cannot run here ("" when installed): the tests skip with it.
  std::string missing() const;
  std::string log() const;

 private:
  void drain();

  pid_t pid_ = -1;
  int output_fd_ = -1;
  int input_fd_ = -1;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string log_;
  bool exited_ = false;
};

}  // namespace mqttbed::brokerconf::testing
