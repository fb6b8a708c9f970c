// Last Will rules (MQTT 3.1.1 §3.1.2.5, 5.0 §3.1.3.2): which connection ends publish the
// will, and the v5 wills waiting out their Will Delay Interval.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "sim/mqtt/packet.h"

namespace mqttbed::mqtt {

// How a network connection ended, as the server sees it.
enum class ConnectionEnd : std::uint8_t {
  disconnect,         // the client sent DISCONNECT
  network_lost,       // the transport broke (reset, retransmissions exhausted)
  keepalive_expired,  // nothing heard for 1.5 x keepalive (MQTT-3.1.2-24)
  takeover,           // a new connection with the same client id (MQTT-3.1.4-2)
  protocol_error,     // the server closed it for a protocol violation
  server_closed,      // the server closed it for policy (e.g. payload over its limit)
  server_crash,       // the server process died: nothing of it runs to publish anything
};

const char* to_string(ConnectionEnd end);

// MQTT-3.1.2-8: the will is published when the connection closes for any reason other
// than DISCONNECT; MQTT-3.1.2-10 / MQTT-3.14.4-3: DISCONNECT discards it. A crashed server
// runs no code at all, so it publishes nothing either.
bool will_is_published(ConnectionEnd end);

// v5 delayed wills by client id. A reconnect of the client within the delay cancels its
// will (MQTT-3.1.3-9); the timer that fires later takes it only if it is still the same.
class PendingWills {
 public:
  // Holds `will` for `client_id`, replacing any earlier one; returns the token the timer
  // passes to take().
  std::uint64_t add(const std::string& client_id, Will will);
  bool cancel(const std::string& client_id);  // true if a will was pending
  // The will pending for `client_id`, if any, no longer pending.
  std::optional<Will> remove(const std::string& client_id);
  // The will to publish now, if (client_id, token) is still pending; removes it.
  std::optional<Will> take(const std::string& client_id, std::uint64_t token);
  std::size_t size() const { return pending_.size(); }
  void clear() { pending_.clear(); }

 private:
  struct Entry {
    std::uint64_t token = 0;
    Will will;
  };
  std::map<std::string, Entry> pending_;
  std::uint64_t next_token_ = 1;
};

}  // namespace mqttbed::mqtt
