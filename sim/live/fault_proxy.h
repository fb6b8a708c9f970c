// In-process TCP fault proxy in front of the broker: one loopback listener, each connection
// mapped to its device by the client id in its MQTT CONNECT, then forwarded with per-device
// faults — added latency per direction, blackhole (bytes held, sockets left open, so the
// broker must notice by keepalive), and connection reset (RST via SO_LINGER 0).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace mqttbed::live {

// The client id of an MQTT CONNECT at the start of `bytes`: 1 found, 0 needs more bytes,
// -1 not a CONNECT (forwarded without faults).
int parse_connect_client_id(const std::string& bytes, std::string* client_id);

class FaultProxy {
 public:
  using Duration = std::chrono::nanoseconds;
  enum class Side { client, broker, both };

  struct Stats {
    std::uint64_t accepted = 0;
    std::uint64_t bytes_to_broker = 0;
    std::uint64_t bytes_to_client = 0;
    std::uint64_t resets = 0;
    std::uint64_t upstream_failures = 0;
  };

  // Listens on 127.0.0.1 (free port) and forwards to upstream_host:upstream_port. Throws
  // std::runtime_error when it cannot listen or resolve the upstream.
  FaultProxy(const std::string& upstream_host, int upstream_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }

  // Faults are counted per client id, so overlapping windows nest. A blackholed client's
  // bytes are held (both ways) and new connections wait, until its last blackhole ends.
  void add_blackhole(const std::string& client_id);
  void remove_blackhole(const std::string& client_id);
  // Extra one-way delay toward the broker and toward the client.
  void add_latency(const std::string& client_id, Duration to_broker, Duration to_client);
  void remove_latency(const std::string& client_id, Duration to_broker, Duration to_client);
  // A one-way delay drawn for every chunk read, each direction on its own, on top of the
  // above: the scenario's network path when a live run emulates its latency. Called on the
  // proxy's thread only (it may keep its own RNG unlocked). Order is kept as with add_latency.
  using LatencySampler = std::function<Duration()>;
  void set_path_latency(const std::string& client_id, LatencySampler sampler);
  // Resets the client's open connections on `side` (RST); the other side is left open, so
  // a blackhole can keep the broker waiting for keepalive. Done when this returns.
  void reset(const std::string& client_id, Side side);

  std::size_t open_connections() const;
  Stats stats() const;

 private:
  struct Chunk {
    std::chrono::steady_clock::time_point release;
    std::string bytes;
  };
  // One direction: from fd[d] to fd[1 - d]; d = 0 client -> broker, d = 1 broker -> client.
  struct Flow {
    std::deque<Chunk> pending;  // read, not yet released (latency, blackhole)
    std::string out;            // released, not yet written (socket full)
    bool source_closed = false;
    std::chrono::steady_clock::time_point last_release{};
  };
  struct Pair {
    std::uint64_t id = 0;
    int fd[2] = {-1, -1};
    bool upstream_opened = false;
    bool mapped = false;
    std::string client_id;
    std::string connect_bytes;  // the start of the stream until the CONNECT is whole
    Flow flow[2];
    bool want_out[2] = {false, false};
  };
  struct Condition {
    int blackholes = 0;
    Duration delay[2] = {Duration(0), Duration(0)};
    LatencySampler path;  // may be empty
  };
  struct Wake {
    std::chrono::steady_clock::time_point when;
    std::uint64_t pair;
    bool operator>(const Wake& other) const { return when > other.when; }
  };

  void run();
  void accept_all();
  void on_readable(Pair& pair, int side);
  void pump(Pair& pair);
  bool open_upstream(Pair& pair);
  void write_out(Pair& pair, int direction);
  void close_side(Pair& pair, int side, bool reset);
  void update_interest(Pair& pair, int side);
  void finish_if_done(std::uint64_t id);
  void pump_client(const std::string& client_id);
  void notify();
  const Condition* condition_of(const std::string& client_id) const;

  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: fault changes and stop
  int port_ = 0;
  std::vector<unsigned char> upstream_addr_;  // sockaddr bytes
  int upstream_family_ = 0;
  mutable std::mutex mutex_;  // everything below; the thread holds it while it works
  bool stopping_ = false;
  std::uint64_t next_pair_ = 1;
  std::unordered_map<std::uint64_t, std::unique_ptr<Pair>> pairs_;
  std::unordered_map<std::string, std::set<std::uint64_t>> by_client_;
  std::unordered_map<std::string, Condition> conditions_;
  std::set<std::string> dirty_;  // clients whose faults changed: pump their pairs
  std::priority_queue<Wake, std::vector<Wake>, std::greater<>> wakes_;
  Stats stats_;
  std::thread thread_;
};

}  // namespace mqttbed::live
