#include "tests/brokerconf/served_broker.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

extern char** environ;

namespace mqttbed::brokerconf::testing {
namespace {

// The value after "\n<prefix>" (or at the start) up to the line's end, if the line is whole.
bool find_line(const std::string& log, const std::string& prefix, std::string* rest) {
  for (std::size_t at = 0; at < log.size();) {
    const std::size_t end = log.find('\n', at);
    if (end == std::string::npos) return false;
    if (log.compare(at, prefix.size(), prefix) == 0) {
      if (rest) *rest = log.substr(at + prefix.size(), end - at - prefix.size());
      return true;
    }
    at = end + 1;
  }
  return false;
}

}  // namespace

ServedBroker::ServedBroker(const std::string& broker, const std::filesystem::path& config_dir,
                           int port, int timeout_s) {
  int output[2];
  int input[2];
  if (pipe(output) != 0 || pipe(input) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, input[0], 0);
  posix_spawn_file_actions_adddup2(&actions, output[1], 1);
  posix_spawn_file_actions_adddup2(&actions, output[1], 2);
  posix_spawn_file_actions_addclose(&actions, output[0]);
  posix_spawn_file_actions_addclose(&actions, input[1]);
  std::string python = "python3";
  std::string script = std::string(MQTTBED_SOURCE_DIR) + "/tests/live/matrix.py";
  std::string serve = "--serve", config = "--config", port_flag = "--port";
  std::string dir = config_dir.string(), port_text = std::to_string(port);
  std::string name = broker;
  char* argv[] = {python.data(), script.data(),    serve.data(),     name.data(), config.data(),
                  dir.data(),    port_flag.data(), port_text.data(), nullptr};
  const int status = posix_spawnp(&pid_, "python3", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(output[1]);
  close(input[0]);
  if (status != 0) {
    close(output[0]);
    close(input[1]);
    throw std::runtime_error("cannot start python3");
  }
  output_fd_ = output[0];
  input_fd_ = input[1];
  reader_ = std::thread([this] { drain(); });
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, std::chrono::seconds(timeout_s), [this] {
    return exited_ || find_line(log_, "serving ", nullptr) || find_line(log_, "missing: ", nullptr);
  });
}

void ServedBroker::drain() {
  char buffer[4096];
  for (;;) {
    const ssize_t got = read(output_fd_, buffer, sizeof buffer);
    if (got <= 0) break;
    std::lock_guard lock(mutex_);
    log_.append(buffer, static_cast<std::size_t>(got));
    changed_.notify_all();
  }
  std::lock_guard lock(mutex_);
  exited_ = true;
  changed_.notify_all();
}

ServedBroker::~ServedBroker() {
  // matrix.py stops the broker cleanly (RabbitMQ's epmd included) on SIGTERM.
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  if (reader_.joinable()) reader_.join();
  if (output_fd_ >= 0) close(output_fd_);
  if (input_fd_ >= 0) close(input_fd_);
}

bool ServedBroker::serving() const {
  std::lock_guard lock(mutex_);
  return find_line(log_, "serving ", nullptr);
}

std::string ServedBroker::missing() const {
  std::lock_guard lock(mutex_);
  std::string why;
  find_line(log_, "missing: ", &why);
  return why;
}

std::string ServedBroker::log() const {
  std::lock_guard lock(mutex_);
  return log_;
}

}  // namespace mqttbed::brokerconf::testing
