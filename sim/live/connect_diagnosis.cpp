#include "sim/live/connect_diagnosis.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace mqttbed::live {

namespace {

using Clock = std::chrono::steady_clock;

// MQTT 3.1.1 CONNECT: protocol "MQTT" level 4, clean session, keepalive 10 s (§3.1).
std::string connect_packet(const std::string& client_id) {
  std::string variable("\x00\x04MQTT\x04\x02\x00\x0A", 10);
  std::string id = client_id.substr(0, 23);  // MQTT-3.1.3-5: 23 bytes always allowed
  variable += static_cast<char>(id.size() >> 8);
  variable += static_cast<char>(id.size() & 0xFF);
  variable += id;
  return std::string(1, '\x10') + static_cast<char>(variable.size()) + variable;
}

std::string hex_prefix(const std::string& bytes) {
  std::string text;
  for (std::size_t i = 0; i < bytes.size() && i < 8; ++i) {
    char byte[4];
    std::snprintf(byte, sizeof byte, "%s%02x", i ? " " : "", static_cast<unsigned char>(bytes[i]));
    text += byte;
  }
  return text;
}

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

// A connected socket, or -1 with `error` set.
int connect_tcp(const std::string& host, int port, Clock::time_point deadline, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int status = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (status != 0) {
    error = gai_strerror(status);
    return -1;
  }
  int fd = -1;
  error = "no address";
  for (addrinfo* entry = found; entry != nullptr && fd < 0; entry = entry->ai_next) {
    fd = socket(entry->ai_family, entry->ai_socktype | SOCK_NONBLOCK, entry->ai_protocol);
    if (fd < 0) continue;
    int result = ::connect(fd, entry->ai_addr, entry->ai_addrlen);
    if (result != 0 && errno == EINPROGRESS) {
      pollfd wait{fd, POLLOUT, 0};
      int code = 0;
      socklen_t length = sizeof code;
      if (poll(&wait, 1, remaining_ms(deadline)) <= 0) {
        code = ETIMEDOUT;
      } else {
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length);
      }
      result = code == 0 ? 0 : -1;
      errno = code;
    }
    if (result != 0) {
      error = std::strerror(errno);
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  return fd;
}

}  // namespace

std::string diagnose_mqtt_connect(const std::string& host, int port, const std::string& client_id,
                                  std::chrono::seconds timeout) {
  std::string where = host + ":" + std::to_string(port);
  auto deadline = Clock::now() + timeout;
  std::string error;
  int fd = connect_tcp(host, port, deadline, error);
  if (fd < 0) return "TCP connect to " + where + " failed: " + error;
  std::string packet = connect_packet(client_id);
  std::string reply;
  bool closed = send(fd, packet.data(), packet.size(), MSG_NOSIGNAL) < 0;
  // A CONNACK is 4 bytes (MQTT-3.2); read until there are 4, the server closes, or time is up.
  while (!closed && reply.size() < 4) {
    pollfd wait{fd, POLLIN, 0};
    if (poll(&wait, 1, remaining_ms(deadline)) <= 0) break;
    char buffer[64];
    ssize_t got = recv(fd, buffer, sizeof buffer, 0);
    if (got <= 0) {
      closed = true;
    } else {
      reply.append(buffer, static_cast<std::size_t>(got));
    }
  }
  close(fd);
  std::string connected = "connected to " + where + " over TCP but the server";
  bool connack_so_far =
      reply.empty() || (reply[0] == '\x20' && (reply.size() < 2 || reply[1] == '\x02'));
  if (!connack_so_far)
    return connected + "'s reply was not an MQTT CONNACK (first bytes: " + hex_prefix(reply) + ")";
  if (reply.size() >= 4)
    return "connected to " + where + " over TCP and the server answered CONNACK return code " +
           std::to_string(static_cast<unsigned char>(reply[3]));
  if (closed) return connected + " closed the connection without a CONNACK";
  return connected + " sent no CONNACK within " + std::to_string(timeout.count()) + " s";
}

}  // namespace mqttbed::live
