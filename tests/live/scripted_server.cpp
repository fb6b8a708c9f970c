#include "tests/live/scripted_server.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

#include "sim/probe/wire.h"

namespace mqttbed::live::testing {

namespace {

using Clock = std::chrono::steady_clock;

struct Connection {
  int fd = -1;
  probe::PacketReader input;
  bool connected = false;                     // CONNACK sent
  int granted = -1;                           // sloppy_broker: highest QoS granted, -1 none
  std::uint16_t next_id = 0;                  // sloppy_broker: its forwards' packet ids
  std::optional<Clock::time_point> close_at;  // connack_then_close
};

void send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the client is gone; the next read says so
    sent += static_cast<std::size_t>(n);
  }
}

// The next whole packet; a malformed length ends the connection (`open` false).
std::optional<probe::Packet> next_packet(probe::PacketReader& input, bool& open) {
  try {
    return input.next();
  } catch (const std::runtime_error&) {
    open = false;
    return std::nullopt;
  }
}

// sloppy_broker's answer to one packet; forwards go to every subscribed client.
void sloppy(Connection& client, std::vector<Connection>& clients, const probe::Packet& packet) {
  using namespace probe;
  switch (packet.type) {
    case kConnect:
      send_all(client.fd, std::string("\x20\x02\x00\x00", 4));
      break;
    case kSubscribe: {
      std::string body = packet.body.substr(0, 2);
      for (std::size_t at = 2; at + 2 <= packet.body.size();) {
        std::size_t length = (static_cast<std::uint8_t>(packet.body[at]) << 8) |
                             static_cast<std::uint8_t>(packet.body[at + 1]);
        at += 2 + length;
        if (at >= packet.body.size()) break;
        client.granted = std::max(client.granted, packet.body[at] & 3);
        body.push_back(packet.body[at++]);
      }
      send_all(client.fd, std::string(1, '\x90') + static_cast<char>(body.size()) + body);
      break;
    }
    case kPublish: {
      auto in = parse_publish(packet);  // QoS 3 too: it is not checked
      if (!in) break;
      if (in->qos == 1) send_all(client.fd, ack(kPuback, in->id));
      if (in->qos >= 2) send_all(client.fd, ack(kPubrec, in->id));
      for (Connection& other : clients) {
        if (other.granted < 0) continue;
        int forward = std::min(std::min(in->qos, 2), other.granted);
        send_all(other.fd,
                 publish(in->topic, in->payload, forward, forward > 0 ? ++other.next_id : 0));
      }
      break;
    }
    case kPubrec:
      send_all(client.fd, ack(kPubrel, packet.id()));
      break;
    case kPubrel:
      send_all(client.fd, ack(kPubcomp, packet.id()));
      break;
    case kPingreq:
      send_all(client.fd, std::string("\xD0\x00", 2));
      break;
    default:
      break;
  }
}

}  // namespace

ScriptedServer::ScriptedServer(Behaviour behaviour, std::chrono::milliseconds close_after)
    : behaviour_(behaviour), close_after_(close_after) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  // Port 0 and listen() before the constructor returns: no race for the port, no readiness
  // to wait for.
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      listen(listen_fd_, 64) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
      pipe(wake_fds_) != 0) {
    if (listen_fd_ >= 0) close(listen_fd_);
    throw std::runtime_error("scripted server: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

ScriptedServer::~ScriptedServer() {
  char byte = 0;
  if (write(wake_fds_[1], &byte, 1) != 1) {
    // The pipe cannot be full (one byte ever); nothing else to do.
  }
  thread_.join();
  close(listen_fd_);
  close(wake_fds_[0]);
  close(wake_fds_[1]);
}

void ScriptedServer::serve() {
  std::vector<Connection> clients;
  for (;;) {
    std::vector<pollfd> fds{{wake_fds_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    for (const auto& client : clients) fds.push_back({client.fd, POLLIN, 0});
    int timeout_ms = -1;
    auto now = Clock::now();
    for (const auto& client : clients) {
      if (!client.close_at) continue;
      auto wait = std::chrono::ceil<std::chrono::milliseconds>(*client.close_at - now).count();
      int wait_ms = static_cast<int>(std::max<std::int64_t>(0, wait));
      timeout_ms = timeout_ms < 0 ? wait_ms : std::min(timeout_ms, wait_ms);
    }
    if (poll(fds.data(), fds.size(), timeout_ms) < 0) continue;
    if (fds[0].revents != 0) break;
    if (fds[1].revents & POLLIN) {
      int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd >= 0) {
        ++connections_;
        if (behaviour_ == Behaviour::garbage)
          send_all(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        clients.push_back(Connection{fd, probe::PacketReader{}, false, -1, 0, std::nullopt});
      }
    }
    std::vector<Connection> kept;
    now = Clock::now();
    for (std::size_t i = 0; i < clients.size(); ++i) {
      Connection& client = clients[i];
      bool open = true;
      if (fds[i + 2].revents != 0) {
        char buffer[4096];
        ssize_t got = recv(client.fd, buffer, sizeof buffer, 0);
        if (got <= 0) open = false;
        // garbage never answers MQTT, so it reads nothing as MQTT.
        if (got > 0 && behaviour_ != Behaviour::garbage)
          client.input.feed(std::string_view(buffer, static_cast<std::size_t>(got)));
      }
      std::optional<probe::Packet> packet;
      while (open && (packet = next_packet(client.input, open))) {
        const int type = packet->type;
        if (behaviour_ == Behaviour::sloppy_broker) {
          if (type == probe::kDisconnect)
            open = false;
          else
            sloppy(client, clients, *packet);
          continue;
        }
        if (type == 1 && !client.connected) {  // CONNECT -> CONNACK accepted, no session
          send_all(client.fd, std::string("\x20\x02\x00\x00", 4));
          client.connected = true;
          if (behaviour_ == Behaviour::connack_then_close) client.close_at = now + close_after_;
        } else if (type == 12) {  // PINGREQ -> PINGRESP: the connection stays up
          send_all(client.fd, std::string("\xD0\x00", 2));
        } else if (type == 14) {  // DISCONNECT
          open = false;
        }
        // Everything else goes unanswered: that is the script.
      }
      if (client.close_at && now >= *client.close_at) open = false;
      if (open) {
        kept.push_back(std::move(client));
      } else {
        close(client.fd);
      }
    }
    clients = std::move(kept);
  }
  for (auto& client : clients) close(client.fd);
}

}  // namespace mqttbed::live::testing
