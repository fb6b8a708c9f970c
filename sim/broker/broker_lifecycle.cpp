// Connection lifecycle: CONNECT, takeover, keepalive expiry, connection end with its will
// and session fate, v5 delays and expiry, crash and restart.
#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "sim/broker/broker_state.h"
#include "sim/mqtt/keepalive.h"

namespace mqttbed::broker {
namespace {

constexpr std::uint32_t kNeverExpires = std::numeric_limits<std::uint32_t>::max();  // v5 3.1.2.11.2
constexpr std::uint8_t kIdentifierRejected = 0x02;  // v3.1.1 CONNACK return code

// 3.1.1 §3.2.2.3 return codes 4 and 5; 5 §3.2.2.2 reason codes 0x86 and 0x87.
std::uint8_t refusal_code(ConnectAnswer answer, bool v5) {
  if (answer == ConnectAnswer::bad_credentials) return v5 ? 0x86 : 0x04;
  return v5 ? 0x87 : 0x05;
}

// v5 §3.14.2.1: the reason code of the DISCONNECT a v5 server sends before closing; 0 for
// ends where it sends none (v3.1.1 servers never send DISCONNECT).
std::uint8_t server_disconnect_reason_v5(mqtt::ConnectionEnd end) {
  switch (end) {
    case mqtt::ConnectionEnd::takeover:
      return 0x8E;  // Session taken over
    case mqtt::ConnectionEnd::keepalive_expired:
      return 0x8D;  // Keep Alive timeout
    case mqtt::ConnectionEnd::protocol_error:
      return 0x82;  // Protocol Error
    case mqtt::ConnectionEnd::server_closed:
      return 0x95;  // Packet too large
    default:
      return 0;
  }
}

}  // namespace

void Broker::State::schedule(Duration delay, std::function<void()> callback) {
  std::weak_ptr<int> token = alive;
  host.schedule(delay, [this, token, armed_epoch = epoch, callback = std::move(callback)] {
    if (token.expired() || !up || epoch != armed_epoch) return;
    callback();
    refresh_stats();
  });
}

void Broker::State::refuse(ConnectionId id) {
  closed.insert(id);
  host.close(id);
}

void Broker::State::on_connect(ConnectionId id, const mqtt::Packet& packet) {
  const bool v5 = config.version == mqtt::Version::v5;
  std::string client_id = packet.client_id;
  if (client_id.empty()) {
    if (!packet.clean_session && !v5) {
      // MQTT-3.1.3-8: an empty id with CleanSession=0 is rejected with 0x02, then closed.
      mqtt::Packet connack;
      connack.type = mqtt::PacketType::connack;
      connack.return_code = kIdentifierRejected;
      host.send(id, std::move(connack));
      refuse(id);
      return;
    }
    client_id = "auto-" + std::to_string(id);  // MQTT-3.1.3-6: the server assigns one
  }
  // --- MUTATION authorizer_off: no credential or client id is checked.
  if (config.authenticate && config.mutation != Mutation::authorizer_off) {
    const ConnectAnswer answer = config.authenticate(packet, host.now());
    if (answer != ConnectAnswer::accepted) {
      ++stats.denied;
      mqtt::Packet connack;
      connack.type = mqtt::PacketType::connack;
      connack.return_code = refusal_code(answer, v5);
      host.send(id, std::move(connack));
      refuse(id);  // MQTT-3.2.2-5: a non-zero return code, then the connection closes
      return;
    }
  }
  // MQTT-3.1.4-2: the existing connection of this client id is closed (its will fires).
  if (Connection* older = connections.find_client(client_id)) {
    if (config.mutation == Mutation::no_takeover) {
      linger_until_keepalive(older->id);
    } else {
      end_connection(older->id, mqtt::ConnectionEnd::takeover);
    }
  }
  // v5: a new connection before the Will Delay ends cancels the will (MQTT-3.1.3-9), and
  // the session stops its expiry countdown.
  // With Clean Start the old session ends instead, and a will still waiting goes out now
  // (v5 §3.1.3.2.2: the delay or the session's end, whichever first).
  if (auto waiting = pending_wills.remove(client_id); waiting && v5 && packet.clean_session) {
    publish_will(client_id, *waiting);
  }
  expiry_tokens.erase(client_id);
  expiry_s.erase(client_id);
  if (packet.clean_session) discard_session(client_id);  // MQTT-3.1.2-6
  auto attached = sessions.attach(
      client_id, packet.clean_session,
      mqtt::SessionLimits{.max_inflight = config.max_inflight, .max_queued = config.max_queued});

  // MQTT-3.3.4-9: the client's Receive Maximum bounds the session's in-flight window on this
  // connection. --- MUTATION ignore_receive_maximum: the broker's own window only.
  attached.session.set_receive_maximum(
      v5 && config.mutation != Mutation::ignore_receive_maximum ? packet.receive_maximum : 0);

  Connection connection;
  connection.id = id;
  connection.serial = next_serial++;
  connection.client_id = client_id;
  connection.session_key = attached.key;
  connection.clean_session = packet.clean_session;
  connection.session_expiry_s = v5 ? packet.session_expiry_s : 0;
  connection.will = packet.will;
  connection.keepalive_timeout = mqtt::keepalive_timeout(packet.keepalive_s);
  connection.last_packet = host.now();
  const std::uint64_t serial = connections.add(std::move(connection)).serial;

  mqtt::Packet connack;
  connack.type = mqtt::PacketType::connack;
  connack.session_present = attached.session_present;  // MQTT-3.2.2-1..3
  host.send(id, std::move(connack));
  arm_keepalive(id, serial);
  if (attached.session_present) resume(attached.session, id);
}

// --- MUTATION no_takeover: the old connection is not ended by the new CONNECT; it goes on
// (out of the client-id table, which holds one connection per id) until its keepalive runs
// out, and only then is its will published.
void Broker::State::linger_until_keepalive(ConnectionId id) {
  Connection old = connections.remove(id);
  closed.insert(id);
  host.close(id);
  const Duration expiry = old.last_packet + old.keepalive_timeout - host.now();
  schedule(std::max(expiry, Duration::zero()), [this, old = std::move(old)] {
    handle_will(old, mqtt::ConnectionEnd::keepalive_expired, /*session_ends=*/false);
  });
}

void Broker::State::arm_keepalive(ConnectionId id, std::uint64_t serial) {
  const Connection* connection = connections.find(id);
  if (connection == nullptr || connection->keepalive_timeout == Duration::zero()) return;
  // --- MUTATION never_time_out: a silent connection is never ended (MQTT-3.1.2-24 broken).
  if (config.mutation == Mutation::never_time_out) return;
  // One timer per connection: when it fires early (packets came since), it re-arms for the
  // rest of the window instead of every packet scheduling one.
  const Duration deadline = connection->last_packet + connection->keepalive_timeout;
  const Duration delay = std::max(Duration::zero(), deadline - host.now());
  schedule(delay, [this, id, serial] {
    const Connection* current = connections.find(id);
    if (current == nullptr || current->serial != serial) return;
    if (host.now() - current->last_packet >= current->keepalive_timeout) {
      ++stats.keepalive_expiries;  // MQTT-3.1.2-24: silent for 1.5 x keepalive
      end_connection(id, mqtt::ConnectionEnd::keepalive_expired);
    } else {
      arm_keepalive(id, serial);
    }
  });
}

void Broker::State::end_connection(ConnectionId id, mqtt::ConnectionEnd end) {
  Connection connection = connections.remove(id);
  closed.insert(id);
  const bool v5 = config.version == mqtt::Version::v5;
  if (const std::uint8_t reason = server_disconnect_reason_v5(end); v5 && reason != 0) {
    mqtt::Packet disconnect;
    disconnect.type = mqtt::PacketType::disconnect;
    disconnect.return_code = reason;
    disconnect.reason_string = mqtt::to_string(end);
    host.send(id, std::move(disconnect));
  }
  // The transport already knows about a lost connection; every other end is the broker's
  // doing (DISCONNECT: MQTT-3.14.4-1 allows the server to close it).
  if (end != mqtt::ConnectionEnd::network_lost) host.close(id);
  // v3.1.1: a clean session lasts as long as the connection (MQTT-3.1.2-6); v5: a
  // Session Expiry Interval of 0 ends it with the connection.
  const bool session_ends = v5 ? connection.session_expiry_s == 0 : connection.clean_session;
  if (end != mqtt::ConnectionEnd::server_crash) handle_will(connection, end, session_ends);
  if (session_ends) {
    discard_session(connection.client_id);
  } else if (v5 && connection.session_expiry_s != kNeverExpires) {
    arm_session_expiry(connection.client_id, connection.session_expiry_s);
  }
}

void Broker::State::handle_will(const Connection& connection, mqtt::ConnectionEnd end,
                                bool session_ends) {
  if (!connection.will) return;
  bool publish = mqtt::will_is_published(end);  // MQTT-3.1.2-8, MQTT-3.1.2-10
  // --- MUTATION will_after_disconnect: the will fires despite DISCONNECT.
  if (config.mutation == Mutation::will_after_disconnect) publish = true;
  // --- MUTATION skip_will: wills are never published.
  if (config.mutation == Mutation::skip_will) publish = false;
  if (!publish) return;
  const bool v5 = config.version == mqtt::Version::v5;
  // --- MUTATION ignore_will_delay: published at once, whatever the Will Delay Interval.
  const bool delays = v5 && config.mutation != Mutation::ignore_will_delay;
  const std::uint32_t delay_s = delays ? connection.will->delay_interval_s : 0;
  if (delay_s == 0 || session_ends) {
    publish_will(connection.client_id, *connection.will);  // v5: session end ends the delay
    return;
  }
  // v5 3.1.3.2.2: published when the delay or the session ends, whichever comes first.
  const std::uint32_t wait_s = std::min(delay_s, connection.session_expiry_s);
  const std::string client_id = connection.client_id;
  const std::uint64_t token = pending_wills.add(client_id, *connection.will);
  schedule(std::chrono::seconds(wait_s), [this, client_id, token] {
    if (auto will = pending_wills.take(client_id, token)) publish_will(client_id, *will);
  });
}

void Broker::State::publish_will(const std::string& client_id, const mqtt::Will& will) {
  if (!authorized(client_id, policy::Action::publish, will.topic)) {
    ++stats.denied;
    return;
  }
  ++stats.wills_published;
  route(mqtt::Message{will.topic, will.payload, will.qos, will.retain}, client_id, /*will=*/true);
}

void Broker::State::arm_session_expiry(const std::string& client_id, std::uint32_t seconds) {
  const std::uint64_t token = next_serial++;
  expiry_tokens[client_id] = token;
  expiry_s[client_id] = seconds;
  schedule(std::chrono::seconds(seconds), [this, client_id, token] {
    auto it = expiry_tokens.find(client_id);
    if (it == expiry_tokens.end() || it->second != token) return;  // reconnected since
    expiry_tokens.erase(it);
    expiry_s.erase(client_id);
    discard_session(client_id);
  });
}

void Broker::State::discard_session(const std::string& client_id) {
  mqtt::Session* session = sessions.find(client_id);
  if (session == nullptr) return;
  const std::uint64_t key = sessions.key_of(client_id);
  for (const auto& [filter, qos] : session->subscriptions()) unroute(filter, key);
  stats.queued_now -= session->queued_count();
  std::erase_if(held_for_reorder, [key](const auto& entry) { return entry.first.first == key; });
  sessions.erase(client_id);
}

void Broker::State::crash() {
  if (!up) return;
  // Every connection drops; the process is dead, so no will fires (server_crash).
  std::vector<ConnectionId> open;
  connections.for_each([&open](const Connection& c) { open.push_back(c.id); });
  for (ConnectionId id : open) end_connection(id, mqtt::ConnectionEnd::server_crash);
  // Deliveries held by reorder_window were accepted: they are session state like the queue
  // they were about to join (kept with persistence, as offline messages).
  while (!held_in_window.empty()) release_held(held_in_window.begin()->first);
  up = false;
  ++epoch;  // every timer armed before the crash is void
  pending_wills.clear();
  expiry_tokens.clear();
  held_for_reorder.clear();
  // --- MUTATION forget_sessions_on_restart: sessions (subscriptions, queues) lost despite
  // persistence.
  const bool forget_sessions =
      !config.persistence || config.mutation == Mutation::forget_sessions_on_restart;
  if (forget_sessions) {
    sessions.clear();
    subscriptions.clear();
    shared.clear();
    expiry_s.clear();
    stats.queued_now = 0;
  }
  if (!config.persistence) retained.clear();
}

void Broker::State::restart() {
  if (up) return;
  up = true;
  // --- MUTATION forget_retained_on_restart: retained messages lost despite persistence.
  if (config.mutation == Mutation::forget_retained_on_restart) retained.clear();
  // v5 sessions that were counting down resume with a full interval (their timers died).
  const auto counting = expiry_s;
  for (const auto& [client_id, seconds] : counting) arm_session_expiry(client_id, seconds);
}

}  // namespace mqttbed::broker
