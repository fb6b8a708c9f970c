// One TCP connection of a conformance probe: sends raw bytes and waits, with a deadline,
// for the server's packets or for it to close the connection. Acknowledges the server's
// QoS 1/2 PUBLISHes (and completes its own QoS 2 publishes) so a probe only sees the
// behaviour it is about.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/probe/wire.h"

namespace mqttbed::probe {

using Clock = std::chrono::steady_clock;

class ProbeConnection {
 public:
  // Throws std::runtime_error (with the reason) when TCP does not connect within `timeout`.
  ProbeConnection(const std::string& host, int port, std::chrono::milliseconds timeout);
  ~ProbeConnection();
  ProbeConnection(const ProbeConnection&) = delete;
  ProbeConnection& operator=(const ProbeConnection&) = delete;

  void send(const Bytes& bytes);
  // The next packet, or nullopt when the deadline passed or the server closed (closed()).
  std::optional<Packet> next(Clock::time_point deadline);
  // Packets until `until` is true of one (returned last) or the deadline/close.
  std::optional<Packet> await(const std::function<bool(const Packet&)>& until,
                              Clock::time_point deadline);
  // Every packet that arrives before the deadline (or the close).
  std::vector<Packet> collect(Clock::time_point deadline);
  bool closed() const { return closed_; }
  // When the server closed the connection (valid if closed()).
  Clock::time_point closed_at() const { return closed_at_; }

 private:
  void answer(const Packet& packet);

  int fd_ = -1;
  bool closed_ = false;
  Clock::time_point closed_at_{};
  PacketReader reader_;
};

}  // namespace mqttbed::probe
