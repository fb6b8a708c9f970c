// A mosquitto child process for live tests: its own config on a free 127.0.0.1 port,
// started and waited for (its "running" log line), stopped on destruction.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace mqttbed::live::testing {

// A port that was free a moment ago (bound to 127.0.0.1:0 and released).
int free_loopback_port();

class MosquittoBroker {
 public:
  // Config lines replacing "allow_anonymous true"; `dir` is the broker's private folder,
  // for files they name (a password file).
  using ExtraConfig = std::function<std::string(const std::string& dir)>;

  // Throws std::runtime_error when mosquitto cannot start within `timeout_s`.
  explicit MosquittoBroker(int timeout_s = 10, const ExtraConfig& extra = {});
  ~MosquittoBroker();
  MosquittoBroker(const MosquittoBroker&) = delete;
  MosquittoBroker& operator=(const MosquittoBroker&) = delete;

  int port() const { return port_; }
  std::string url() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  const std::string& config_path() const { return config_path_; }
  // Kills mosquitto at once (SIGKILL: no clean shutdown, as a crash); restart() starts it
  // again on the same port with the same config and waits until it runs.
  void crash();
  void restart(int timeout_s = 10);
  // Everything mosquitto logged so far (for failure messages).
  std::string log() const;

 private:
  void launch(int timeout_s);
  void drain_output();
  void terminate(int signal_number);
  void stop();

  int port_ = 0;
  std::string dir_;
  std::string config_path_;
  pid_t pid_ = -1;
  int output_fd_ = -1;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string log_;
  std::size_t launch_offset_ = 0;  // where the current process's log starts
  bool running_ = false;
  bool exited_ = false;
};

}  // namespace mqttbed::live::testing
