// Last Will rules and the v5 delayed-will bookkeeping.
#include "sim/mqtt/will.h"

#include <utility>

namespace mqttbed::mqtt {

const char* to_string(ConnectionEnd end) {
  switch (end) {
    case ConnectionEnd::disconnect:
      return "disconnect";
    case ConnectionEnd::network_lost:
      return "network_lost";
    case ConnectionEnd::keepalive_expired:
      return "keepalive_expired";
    case ConnectionEnd::takeover:
      return "takeover";
    case ConnectionEnd::protocol_error:
      return "protocol_error";
    case ConnectionEnd::server_closed:
      return "server_closed";
    case ConnectionEnd::server_crash:
      return "server_crash";
  }
  return "unknown";
}

bool will_is_published(ConnectionEnd end) {
  return end != ConnectionEnd::disconnect && end != ConnectionEnd::server_crash;
}

std::uint64_t PendingWills::add(const std::string& client_id, Will will) {
  const std::uint64_t token = next_token_++;
  pending_.insert_or_assign(client_id, Entry{token, std::move(will)});
  return token;
}

bool PendingWills::cancel(const std::string& client_id) { return pending_.erase(client_id) != 0; }

std::optional<Will> PendingWills::remove(const std::string& client_id) {
  auto it = pending_.find(client_id);
  if (it == pending_.end()) return std::nullopt;
  Will will = std::move(it->second.will);
  pending_.erase(it);
  return will;
}

std::optional<Will> PendingWills::take(const std::string& client_id, std::uint64_t token) {
  auto it = pending_.find(client_id);
  if (it == pending_.end() || it->second.token != token) return std::nullopt;
  Will will = std::move(it->second.will);
  pending_.erase(it);
  return will;
}

}  // namespace mqttbed::mqtt
