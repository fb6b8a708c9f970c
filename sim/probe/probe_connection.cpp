#include "sim/probe/probe_connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mqttbed::probe {

ProbeConnection::ProbeConnection(const std::string& host, int port,
                                 std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int error = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found))
    throw std::runtime_error("cannot resolve " + host + ": " + gai_strerror(error));
  fd_ = socket(found->ai_family, SOCK_STREAM, 0);
  fcntl(fd_, F_SETFL, O_NONBLOCK);
  int result = ::connect(fd_, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  if (result != 0 && errno == EINPROGRESS) {
    pollfd waiting{fd_, POLLOUT, 0};
    if (poll(&waiting, 1, static_cast<int>(timeout.count())) == 1) {
      socklen_t length = sizeof result;
      getsockopt(fd_, SOL_SOCKET, SO_ERROR, &result, &length);
      errno = result;
    } else {
      errno = ETIMEDOUT;
      result = -1;
    }
  }
  if (result != 0) {
    std::string reason = std::strerror(errno);
    close(fd_);
    throw std::runtime_error("TCP connect to " + host + ":" + std::to_string(port) +
                             " failed: " + reason);
  }
}

ProbeConnection::~ProbeConnection() { close(fd_); }

void ProbeConnection::send(const Bytes& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size() && !closed_) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EAGAIN) {
      pollfd writable{fd_, POLLOUT, 0};
      poll(&writable, 1, 1000);
    } else {
      closed_ = true;  // the server reset the connection
      closed_at_ = Clock::now();
    }
  }
}

std::optional<Packet> ProbeConnection::next(Clock::time_point deadline) {
  while (true) {
    if (auto packet = reader_.next()) {
      answer(*packet);
      return packet;
    }
    if (closed_) return std::nullopt;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd readable{fd_, POLLIN, 0};
    if (poll(&readable, 1, static_cast<int>(left.count())) <= 0) continue;
    char buffer[4096];
    ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    if (n > 0) {
      reader_.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
    } else if (n == 0 || errno != EAGAIN) {
      closed_ = true;
      closed_at_ = Clock::now();
    }
  }
}

std::optional<Packet> ProbeConnection::await(const std::function<bool(const Packet&)>& until,
                                             Clock::time_point deadline) {
  while (auto packet = next(deadline)) {
    if (until(*packet)) return packet;
  }
  return std::nullopt;
}

std::vector<Packet> ProbeConnection::collect(Clock::time_point deadline) {
  std::vector<Packet> packets;
  while (auto packet = next(deadline)) packets.push_back(*packet);
  return packets;
}

void ProbeConnection::answer(const Packet& packet) {
  if (packet.type == kPublish) {
    auto publish = parse_publish(packet);
    if (publish && publish->qos == 1) send(ack(kPuback, publish->id));
    if (publish && publish->qos == 2) send(ack(kPubrec, publish->id));
  } else if (packet.type == kPubrel) {
    send(ack(kPubcomp, packet.id()));
  } else if (packet.type == kPubrec) {
    send(ack(kPubrel, packet.id()));
  }
}

}  // namespace mqttbed::probe
