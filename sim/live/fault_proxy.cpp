#include "sim/live/fault_proxy.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>

namespace mqttbed::live {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint64_t kListenerTag = 0;
constexpr std::uint64_t kWakeTag = 1;
constexpr std::size_t kMaxConnectBytes = 1 << 20;  // a CONNECT bigger than this is not ours

std::uint64_t tag(std::uint64_t pair, int side) { return pair << 1 | static_cast<unsigned>(side); }

std::runtime_error system_error(const std::string& what) {
  return std::runtime_error("fault proxy: " + what + ": " + std::strerror(errno));
}

void set_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace

int parse_connect_client_id(const std::string& bytes, std::string* client_id) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  if (bytes.empty()) return 0;
  if ((byte(0) >> 4) != 1) return -1;  // not CONNECT (MQTT-3.1.0-1: it must come first)
  std::size_t remaining = 0, pos = 1;
  for (int shift = 0;; shift += 7, ++pos) {
    if (pos >= bytes.size()) return 0;
    if (shift > 21) return -1;
    remaining |= static_cast<std::size_t>(byte(pos) & 0x7f) << shift;
    if ((byte(pos) & 0x80) == 0) break;
  }
  ++pos;
  if (remaining > kMaxConnectBytes) return -1;
  if (bytes.size() < pos + remaining) return 0;
  const std::size_t end = pos + remaining;
  auto u16 = [&](std::size_t at) { return static_cast<std::size_t>(byte(at) << 8 | byte(at + 1)); };
  if (pos + 2 > end) return -1;
  pos += 2 + u16(pos);  // protocol name
  if (pos + 4 > end) return -1;
  int level = byte(pos);
  pos += 4;          // level, flags, keepalive
  if (level == 5) {  // MQTT 5 properties before the payload
    std::size_t length = 0;
    for (int shift = 0;; shift += 7, ++pos) {
      if (pos >= end || shift > 21) return -1;
      length |= static_cast<std::size_t>(byte(pos) & 0x7f) << shift;
      if ((byte(pos) & 0x80) == 0) break;
    }
    pos += 1 + length;
  }
  if (pos + 2 > end) return -1;
  std::size_t id_length = u16(pos);
  if (pos + 2 + id_length > end) return -1;
  *client_id = bytes.substr(pos + 2, id_length);
  return 1;
}

FaultProxy::FaultProxy(const std::string& upstream_host, int upstream_port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string service = std::to_string(upstream_port);
  if (getaddrinfo(upstream_host.c_str(), service.c_str(), &hints, &found) != 0 || !found)
    throw std::runtime_error("fault proxy: cannot resolve " + upstream_host);
  upstream_family_ = found->ai_family;
  auto* raw = reinterpret_cast<unsigned char*>(found->ai_addr);
  upstream_addr_.assign(raw, raw + found->ai_addrlen);
  freeaddrinfo(found);

  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw system_error("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listen_fd_, 4096) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    auto error = system_error("listen");
    close(listen_fd_);
    throw error;
  }
  port_ = ntohs(address.sin_port);
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event listen_event{EPOLLIN, {.u64 = kListenerTag}};
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &listen_event);
  epoll_event wake_event{EPOLLIN, {.u64 = kWakeTag}};
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &wake_event);
  thread_ = std::thread([this] { run(); });
}

FaultProxy::~FaultProxy() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  notify();
  thread_.join();
  for (auto& [id, pair] : pairs_)
    for (int fd : pair->fd)
      if (fd >= 0) close(fd);
  close(listen_fd_);
  close(wake_fd_);
  close(epoll_fd_);
}

void FaultProxy::notify() {
  std::uint64_t one = 1;
  [[maybe_unused]] auto written = write(wake_fd_, &one, sizeof one);
}

void FaultProxy::add_blackhole(const std::string& client_id) {
  std::lock_guard lock(mutex_);
  ++conditions_[client_id].blackholes;
}

void FaultProxy::remove_blackhole(const std::string& client_id) {
  {
    std::lock_guard lock(mutex_);
    auto& condition = conditions_[client_id];
    if (condition.blackholes > 0) --condition.blackholes;
    dirty_.insert(client_id);  // release what was held
  }
  notify();
}

void FaultProxy::add_latency(const std::string& client_id, Duration to_broker, Duration to_client) {
  std::lock_guard lock(mutex_);
  auto& condition = conditions_[client_id];
  condition.delay[0] += to_broker;
  condition.delay[1] += to_client;
}

void FaultProxy::remove_latency(const std::string& client_id, Duration to_broker,
                                Duration to_client) {
  std::lock_guard lock(mutex_);
  auto& condition = conditions_[client_id];
  condition.delay[0] = std::max(Duration(0), condition.delay[0] - to_broker);
  condition.delay[1] = std::max(Duration(0), condition.delay[1] - to_client);
}

void FaultProxy::set_path_latency(const std::string& client_id, LatencySampler sampler) {
  std::lock_guard lock(mutex_);
  conditions_[client_id].path = std::move(sampler);
}

void FaultProxy::reset(const std::string& client_id, Side side) {
  std::lock_guard lock(mutex_);
  auto it = by_client_.find(client_id);
  if (it == by_client_.end()) return;
  std::set<std::uint64_t> ids = it->second;
  for (std::uint64_t id : ids) {
    auto pair_it = pairs_.find(id);
    if (pair_it == pairs_.end()) continue;
    Pair& pair = *pair_it->second;
    if (side != Side::broker) close_side(pair, 0, true);
    if (side != Side::client) close_side(pair, 1, true);
    ++stats_.resets;
    finish_if_done(id);
  }
}

std::size_t FaultProxy::open_connections() const {
  std::lock_guard lock(mutex_);
  return pairs_.size();
}

FaultProxy::Stats FaultProxy::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

const FaultProxy::Condition* FaultProxy::condition_of(const std::string& client_id) const {
  auto it = conditions_.find(client_id);
  return it == conditions_.end() ? nullptr : &it->second;
}

void FaultProxy::run() {
  std::vector<epoll_event> events(256);
  const int capacity = static_cast<int>(events.size());
  bool precise = true;  // epoll_pwait2 (ns timeouts); epoll_wait rounds up to a millisecond
  for (;;) {
    std::optional<Duration> wait;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      if (!wakes_.empty()) wait = std::max(Duration(0), wakes_.top().when - Clock::now());
    }
    int count = -1;
    if (precise) {
      timespec timeout{};
      if (wait) {
        timeout.tv_sec = static_cast<time_t>(*wait / std::chrono::seconds(1));
        timeout.tv_nsec = static_cast<long>((*wait % std::chrono::seconds(1)).count());
      }
      count = epoll_pwait2(epoll_fd_, events.data(), capacity, wait ? &timeout : nullptr, nullptr);
      if (count < 0 && errno == ENOSYS) precise = false;
    }
    if (!precise) {
      int timeout_ms =
          wait ? static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(*wait).count()) : -1;
      count = epoll_wait(epoll_fd_, events.data(), capacity, timeout_ms);
    }
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    for (int i = 0; i < count; ++i) {
      std::uint64_t event_tag = events[i].data.u64;
      if (event_tag == kListenerTag) {
        accept_all();
        continue;
      }
      if (event_tag == kWakeTag) {
        std::uint64_t value;
        [[maybe_unused]] auto got = read(wake_fd_, &value, sizeof value);
        continue;
      }
      std::uint64_t id = event_tag >> 1;
      int side = static_cast<int>(event_tag & 1);
      auto it = pairs_.find(id);
      if (it == pairs_.end() || it->second->fd[side] < 0) continue;  // closed meanwhile
      Pair& pair = *it->second;
      if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable(pair, side);
      if (pairs_.count(id) && pair.fd[side] >= 0 && (events[i].events & EPOLLOUT))
        write_out(pair, 1 - side);
      if (pairs_.count(id)) pump(pair);
      finish_if_done(id);
    }
    std::set<std::string> dirty;
    dirty.swap(dirty_);
    for (const auto& client_id : dirty) pump_client(client_id);
    auto now = Clock::now();
    while (!wakes_.empty() && wakes_.top().when <= now) {
      std::uint64_t id = wakes_.top().pair;
      wakes_.pop();
      if (auto it = pairs_.find(id); it != pairs_.end()) {
        pump(*it->second);
        finish_if_done(id);
      }
    }
  }
}

void FaultProxy::pump_client(const std::string& client_id) {
  auto it = by_client_.find(client_id);
  if (it == by_client_.end()) return;
  std::set<std::uint64_t> ids = it->second;
  for (std::uint64_t id : ids) {
    if (auto pair_it = pairs_.find(id); pair_it != pairs_.end()) {
      pump(*pair_it->second);
      finish_if_done(id);
    }
  }
}

void FaultProxy::accept_all() {
  for (;;) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or out of descriptors: the client's connect fails
    set_nodelay(fd);
    auto pair = std::make_unique<Pair>();
    pair->id = next_pair_++;
    pair->fd[0] = fd;
    epoll_event event{EPOLLIN | EPOLLRDHUP, {.u64 = tag(pair->id, 0)}};
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
    ++stats_.accepted;
    pairs_.emplace(pair->id, std::move(pair));
  }
}

void FaultProxy::on_readable(Pair& pair, int side) {
  char buffer[16384];
  for (;;) {
    ssize_t got = read(pair.fd[side], buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (got <= 0) {
      pair.flow[side].source_closed = true;
      close_side(pair, side, false);
      return;
    }
    std::string bytes(buffer, static_cast<std::size_t>(got));
    if (side == 0 && !pair.mapped) {
      pair.connect_bytes += bytes;
      std::string client_id;
      int found = parse_connect_client_id(pair.connect_bytes, &client_id);
      if (found == 0) continue;
      pair.mapped = true;
      if (found > 0) {
        pair.client_id = client_id;
        by_client_[client_id].insert(pair.id);
      }
      bytes = std::move(pair.connect_bytes);
      pair.connect_bytes.clear();
    }
    const Condition* condition = condition_of(pair.client_id);
    Flow& flow = pair.flow[side];
    Duration delay(0);
    if (condition != nullptr) {
      delay = condition->delay[side];
      if (condition->path) delay += condition->path();
    }
    auto release = Clock::now() + delay;
    release = std::max(release, flow.last_release);  // TCP keeps order whatever the delay
    flow.last_release = release;
    flow.pending.push_back(Chunk{release, std::move(bytes)});
  }
}

// Moves released bytes on, opening the broker side at the first byte allowed through, and
// closes a side whose peer has closed once everything for it is delivered.
void FaultProxy::pump(Pair& pair) {
  const Condition* condition = condition_of(pair.client_id);
  bool held = condition != nullptr && condition->blackholes > 0;
  if (held) return;  // a blackhole: nothing moves, nothing closes
  auto now = Clock::now();
  for (int direction = 0; direction < 2; ++direction) {
    Flow& flow = pair.flow[direction];
    int to = 1 - direction;
    while (!flow.pending.empty() && flow.pending.front().release <= now) {
      flow.out += flow.pending.front().bytes;
      flow.pending.pop_front();
    }
    if (!flow.pending.empty()) wakes_.push(Wake{flow.pending.front().release, pair.id});
    if (to == 1 && !pair.upstream_opened) {
      // The broker side opens with the first byte released; until then a delayed CONNECT
      // waits in `pending` (write_out would drop it for want of a socket).
      if (flow.out.empty()) continue;
      if (!open_upstream(pair)) return;
    }
    write_out(pair, direction);
    bool delivered = flow.pending.empty() && flow.out.empty();
    if (flow.source_closed && delivered && pair.fd[to] >= 0) close_side(pair, to, false);
  }
  // The client left before anything reached the broker: no broker side to open.
  if (pair.fd[0] < 0 && !pair.upstream_opened && pair.flow[0].pending.empty() &&
      pair.flow[0].out.empty())
    pair.upstream_opened = true;
}

bool FaultProxy::open_upstream(Pair& pair) {
  pair.upstream_opened = true;
  // Blocking connect: the broker is on loopback, where connect completes or is refused at
  // once; non-blocking afterwards.
  int fd = socket(upstream_family_, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && connect(fd, reinterpret_cast<const sockaddr*>(upstream_addr_.data()),
                         static_cast<socklen_t>(upstream_addr_.size())) == 0) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    set_nodelay(fd);
    pair.fd[1] = fd;
    epoll_event event{EPOLLIN | EPOLLRDHUP, {.u64 = tag(pair.id, 1)}};
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
    return true;
  }
  if (fd >= 0) close(fd);
  // Broker down (crashed, restarting): the client sees its connection reset, as it would.
  ++stats_.upstream_failures;
  pair.flow[0].pending.clear();
  pair.flow[0].out.clear();
  close_side(pair, 0, true);
  return false;
}

void FaultProxy::write_out(Pair& pair, int direction) {
  Flow& flow = pair.flow[direction];
  int to = 1 - direction;
  if (pair.fd[to] < 0) {
    flow.out.clear();  // nobody left to deliver to
    flow.pending.clear();
    return;
  }
  while (!flow.out.empty()) {
    ssize_t sent = send(pair.fd[to], flow.out.data(), flow.out.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (sent < 0) {
      flow.out.clear();
      close_side(pair, to, false);
      return;
    }
    (direction == 0 ? stats_.bytes_to_broker : stats_.bytes_to_client) +=
        static_cast<std::uint64_t>(sent);
    flow.out.erase(0, static_cast<std::size_t>(sent));
  }
  bool want = !flow.out.empty();
  if (want != pair.want_out[to]) {
    pair.want_out[to] = want;
    update_interest(pair, to);
  }
}

void FaultProxy::update_interest(Pair& pair, int side) {
  epoll_event event{EPOLLIN | EPOLLRDHUP | (pair.want_out[side] ? EPOLLOUT : 0u),
                    {.u64 = tag(pair.id, side)}};
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, pair.fd[side], &event);
}

void FaultProxy::close_side(Pair& pair, int side, bool reset) {
  int fd = pair.fd[side];
  if (fd < 0) return;
  if (reset) {
    linger hard{1, 0};  // close() then sends RST instead of FIN
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  }
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  close(fd);
  pair.fd[side] = -1;
  pair.flow[side].source_closed = true;
  pair.flow[1 - side].pending.clear();  // bytes toward a closed socket go nowhere
  pair.flow[1 - side].out.clear();
}

void FaultProxy::finish_if_done(std::uint64_t id) {
  auto it = pairs_.find(id);
  if (it == pairs_.end()) return;
  Pair& pair = *it->second;
  bool client_gone = pair.fd[0] < 0;
  bool broker_gone = pair.fd[1] < 0 && (pair.upstream_opened || client_gone);
  if (!client_gone || !broker_gone) return;
  if (!pair.client_id.empty()) {
    auto by = by_client_.find(pair.client_id);
    if (by != by_client_.end()) {
      by->second.erase(id);
      if (by->second.empty()) by_client_.erase(by);
    }
  }
  pairs_.erase(it);
}

}  // namespace mqttbed::live
