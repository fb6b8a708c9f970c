#include "tests/live/mosquitto_broker.h"

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

extern char** environ;

namespace mqttbed::live::testing {

int free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    throw std::runtime_error("no free loopback port");
  }
  close(fd);
  return ntohs(address.sin_port);
}

MosquittoBroker::MosquittoBroker(int timeout_s, const ExtraConfig& extra) {
  char pattern[] = "/tmp/mqttbed-mosquitto-XXXXXX";
  if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  try {
    port_ = free_loopback_port();
    config_path_ = dir_ + "/mosquitto.conf";
    {
      std::ofstream config(config_path_);
      config << "listener " << port_ << " 127.0.0.1\n"
             << (extra ? extra(dir_) : "allow_anonymous true\n") << "persistence false\n"
             << "max_queued_messages 10000\n"
             << "log_dest stderr\n"
             << "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n";
    }
    launch(timeout_s);
  } catch (...) {
    stop();  // no destructor runs for a throwing constructor: remove the folder here
    throw;
  }
}

void MosquittoBroker::launch(int timeout_s) {
  {
    std::lock_guard lock(mutex_);
    running_ = false;
    exited_ = false;
    launch_offset_ = log_.size();
  }
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  std::string program = "mosquitto";
  std::string flag = "-c";
  char* argv[] = {program.data(), flag.data(), config_path_.data(), nullptr};
  int status = posix_spawnp(&pid_, "mosquitto", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (status != 0) {
    close(pipe_fds[0]);
    throw std::runtime_error("cannot start mosquitto (is it installed?)");
  }
  output_fd_ = pipe_fds[0];
  reader_ = std::thread([this] { drain_output(); });
  std::unique_lock lock(mutex_);
  bool ready = changed_.wait_for(lock, std::chrono::seconds(timeout_s),
                                 [this] { return running_ || exited_; });
  if (!ready || !running_) {
    std::string output = log_;
    lock.unlock();
    terminate(SIGTERM);
    throw std::runtime_error("mosquitto did not start:\n" + output);
  }
}

// Reads mosquitto's log until it exits, so the pipe never fills and blocks it.
void MosquittoBroker::drain_output() {
  char buffer[4096];
  for (;;) {
    ssize_t got = read(output_fd_, buffer, sizeof buffer);
    if (got <= 0) break;
    std::lock_guard lock(mutex_);
    log_.append(buffer, static_cast<std::size_t>(got));
    // mosquitto 2 logs "mosquitto version X running" once its listeners are open.
    if (!running_ && log_.find(" running", launch_offset_) != std::string::npos) running_ = true;
    changed_.notify_all();
  }
  std::lock_guard lock(mutex_);
  exited_ = true;
  changed_.notify_all();
}

MosquittoBroker::~MosquittoBroker() { stop(); }

void MosquittoBroker::terminate(int signal_number) {
  if (pid_ > 0) {
    kill(pid_, signal_number);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  if (reader_.joinable()) reader_.join();
  if (output_fd_ >= 0) close(output_fd_);
  output_fd_ = -1;
}

void MosquittoBroker::crash() { terminate(SIGKILL); }

void MosquittoBroker::restart(int timeout_s) {
  terminate(SIGKILL);
  launch(timeout_s);
}

void MosquittoBroker::stop() {
  terminate(SIGTERM);
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  dir_.clear();
}

std::string MosquittoBroker::log() const {
  std::lock_guard lock(mutex_);
  return log_;
}

}  // namespace mqttbed::live::testing
