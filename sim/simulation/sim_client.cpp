#include "sim/simulation/sim_client.h"

#include <algorithm>

namespace mqttbed::simulation {

using mqtt::Packet;
using mqtt::PacketType;

namespace {
// Paho's default connect timeout: an attempt without CONNACK by then has failed.
constexpr Duration kConnectTimeout = std::chrono::seconds(30);

const char* reason_text(runtime::LossReason reason) {
  switch (reason) {
    case runtime::LossReason::network:
      return "network";
    case runtime::LossReason::keepalive:
      return "keepalive";
    case runtime::LossReason::refused:
      return "refused";
    case runtime::LossReason::broker_closed:
      return "broker_closed";
  }
  return "unknown";
}
}  // namespace

SimMqttClient::SimMqttClient(std::string client_id, NodeId node, int home, EventLoop& loop,
                             Transport& transport, history::History& history, Directory& directory)
    : client_id_(std::move(client_id)),
      node_(node),
      home_(home),
      loop_(loop),
      transport_(transport),
      directory_(directory),
      recorder_(history, client_id_, [&loop] { return loop.now().count(); }) {
  directory_.clients[client_id_] = this;
}

SimMqttClient::~SimMqttClient() {
  auto& clients = directory_.clients;
  if (auto it = clients.find(client_id_); it != clients.end() && it->second == this)
    clients.erase(it);
  if (directory_.run_over) return;
  loop_.cancel(keepalive_timer_);
  loop_.cancel(connect_timer_);
  // The device lost its memory (reboot): the connection dies with it, without DISCONNECT.
  if (state_ != State::disconnected) {
    transport_.close_from_client(connection_, false);
    recorder_.connection_lost("reboot");
  }
}

void SimMqttClient::connect(const runtime::ConnectOptions& options) {
  if (state_ != State::disconnected) return;
  options_ = options;
  state_ = State::connecting;
  server_disconnect_code_ = 0;
  server_disconnect_reason_.clear();
  recorder_.set_protocol_level(options.version == runtime::ProtocolVersion::v5 ? 5 : 4);
  // v5: every acknowledgement of a received PUBLISH is recorded (ack_sent), so flow control
  // can be judged.
  recorder_.set_flow_control(v5() ? options.receive_maximum.value_or(0) : 0, v5());
  connection_ = transport_.open(node_, home_, client_id_, this);
  Packet connect;
  connect.type = PacketType::connect;
  connect.client_id = options.connect_as.empty() ? client_id_ : options.connect_as;
  connect.clean_session = options.clean_session;
  connect.keepalive_s = static_cast<std::uint16_t>(options.keepalive.count());
  connect.username = options.username;
  connect.password = options.password;
  // A spoofed client id comes with the client's own credential; a forged credential is made
  // in the name the CONNECT claims.
  if (directory_.credentials)
    directory_.credentials(options.forged_credential.empty() ? client_id_ : connect.client_id,
                           options.forged_credential, connect);
  if (v5()) connect.receive_maximum = options.receive_maximum.value_or(0);
  std::optional<std::uint32_t> expiry_s;
  if (options.session_expiry) {
    expiry_s = static_cast<std::uint32_t>(options.session_expiry->count());
    connect.session_expiry_s = *expiry_s;
  }
  if (const auto& will = options.will) {
    // A 3.1.1 CONNECT has no Will Delay Interval.
    const std::uint32_t delay_s = options.version == runtime::ProtocolVersion::v5 && will->delay
                                      ? static_cast<std::uint32_t>(will->delay->count())
                                      : 0;
    std::string payload =
        recorder_.connect_sent(options.clean_session, will->topic, will->qos, will->retain,
                               will->payload, expiry_s, connect.keepalive_s, delay_s);
    connect.will = mqtt::Will{will->topic, std::move(payload), static_cast<std::uint8_t>(will->qos),
                              will->retain, delay_s};
  } else {
    recorder_.connect_sent(options.clean_session, expiry_s, connect.keepalive_s);
  }
  if (options.clean_session) {
    // A clean session starts empty on both sides (MQTT-3.1.2-6).
    outgoing_.clear();
    incoming_qos2_.clear();
  }
  send(std::move(connect));
  std::weak_ptr<bool> alive = alive_;
  connect_timer_ = loop_.schedule(kConnectTimeout, [this, alive] {
    if (alive.expired() || state_ != State::connecting) return;
    lose(runtime::LossReason::network, true);
  });
}

void SimMqttClient::disconnect() {
  if (state_ == State::disconnected) return;
  Packet packet;
  packet.type = PacketType::disconnect;
  recorder_.disconnect_sent();
  send(std::move(packet));
  transport_.close_from_client(connection_, false);
  state_ = State::disconnected;
  loop_.cancel(keepalive_timer_);
  loop_.cancel(connect_timer_);
  if (options_.clean_session) outgoing_.clear();
}

std::uint64_t SimMqttClient::publish(const std::string& topic, const std::string& payload, int qos,
                                     bool retain, const runtime::PublishOptions& options) {
  // Like Paho without offline buffering: nothing is sent while disconnected.
  if (state_ != State::connected) return 0;
  // A 3.1.1 PUBLISH has no properties.
  const bool v5 = options_.version == runtime::ProtocolVersion::v5;
  const std::uint32_t expiry_s = v5 && options.message_expiry
                                     ? static_cast<std::uint32_t>(options.message_expiry->count())
                                     : 0;
  Packet packet;
  if (v5) packet.properties = options.properties;
  auto [seq, enveloped] =
      recorder_.publish_sent(topic, qos, retain, payload, expiry_s, packet.properties);
  packet.message_expiry_s = expiry_s;
  packet.type = PacketType::publish;
  packet.topic = topic;
  packet.payload = std::move(enveloped);
  packet.qos = static_cast<std::uint8_t>(qos);
  packet.retain = retain;
  if (qos > 0) {
    packet.packet_id = next_packet_id();
    outgoing_.push_back(OutFlow{packet.packet_id, packet, seq, false});
  }
  send(std::move(packet));
  if (qos == 0) complete_later(seq);
  return seq;
}

void SimMqttClient::subscribe(const std::string& filter, int qos,
                              const runtime::SubscribeOptions& options) {
  if (state_ != State::connected) return;
  Packet packet;
  packet.type = PacketType::subscribe;
  packet.packet_id = next_packet_id();
  mqtt::SubscribeRequest request{filter, static_cast<std::uint8_t>(qos)};
  std::uint8_t options_byte = 0;
  if (v5()) {  // a 3.1.1 SUBSCRIBE has neither options nor properties
    request.no_local = options.no_local;
    request.retain_as_published = options.retain_as_published;
    request.retain_handling = static_cast<std::uint8_t>(options.retain_handling);
    packet.subscription_id = options.subscription_id;
    options_byte = static_cast<std::uint8_t>((options.no_local ? 1 : 0) |
                                             (options.retain_as_published ? 2 : 0) |
                                             (options.retain_handling << 2));
  }
  packet.subscriptions.push_back(std::move(request));
  requests_.push_back({packet.packet_id, filter, qos, true});
  recorder_.subscribe_sent(filter, qos, options_byte, packet.subscription_id);
  send(std::move(packet));
}

void SimMqttClient::unsubscribe(const std::string& filter) {
  if (state_ != State::connected) return;
  Packet packet;
  packet.type = PacketType::unsubscribe;
  packet.packet_id = next_packet_id();
  packet.unsubscribe_filters.push_back(filter);
  requests_.push_back({packet.packet_id, filter, 0, false});
  recorder_.unsubscribe_sent(filter);
  send(std::move(packet));
}

void SimMqttClient::send(Packet packet) {
  last_sent_ = loop_.now();
  transport_.send_to_broker(connection_, std::move(packet));
}

// Packet ids are non-zero and not reused while their flow is open (MQTT-2.3.1-1, -2).
std::uint16_t SimMqttClient::next_packet_id() {
  for (;;) {
    last_packet_id_ = static_cast<std::uint16_t>(last_packet_id_ % 65535 + 1);
    std::uint16_t id = last_packet_id_;
    bool used = std::any_of(outgoing_.begin(), outgoing_.end(),
                            [id](const OutFlow& f) { return f.packet_id == id; }) ||
                std::any_of(requests_.begin(), requests_.end(),
                            [id](const PendingRequest& r) { return r.packet_id == id; });
    if (!used) return id;
  }
}

void SimMqttClient::on_packet(const Packet& packet) {
  switch (packet.type) {
    case PacketType::connack:
      on_connack(packet);
      break;
    case PacketType::publish:
      on_publish(packet);
      break;
    case PacketType::puback:
    case PacketType::pubrec:
    case PacketType::pubcomp:
      on_ack(packet);
      break;
    case PacketType::pubrel: {
      if (auto held = incoming_qos2_.find(packet.packet_id); held != incoming_qos2_.end()) {
        if (v5()) recorder_.ack_sent(held->second.first, 2, held->second.second);
        incoming_qos2_.erase(held);
      }
      Packet pubcomp;
      pubcomp.type = PacketType::pubcomp;
      pubcomp.packet_id = packet.packet_id;
      send(std::move(pubcomp));
      break;
    }
    case PacketType::suback:
      on_suback(packet, true);
      break;
    case PacketType::unsuback:
      on_suback(packet, false);
      break;
    case PacketType::pingresp:
      ping_outstanding_ = false;
      break;
    case PacketType::disconnect:
      // v5 §3.14: the server says why before it closes; the close itself follows.
      server_disconnect_code_ = packet.return_code;
      server_disconnect_reason_ = packet.reason_string;
      break;
    default:
      break;  // a broker sends nothing else to a client
  }
}

void SimMqttClient::on_connack(const Packet& packet) {
  if (state_ != State::connecting) return;
  loop_.cancel(connect_timer_);
  recorder_.connack(packet.session_present, packet.return_code, packet.reason_string);
  if (packet.return_code != 0) {
    state_ = State::disconnected;
    transport_.close_from_client(connection_, false);
    if (on_connect_failed) on_connect_failed(packet.return_code);
    return;
  }
  state_ = State::connected;
  ping_outstanding_ = false;
  arm_keepalive();
  if (!options_.clean_session) resend_inflight();
  if (on_connected) on_connected(packet.session_present);
}

// MQTT-4.4.0-1: on reconnect with CleanSession=0 the client resends unacknowledged
// PUBLISHes (DUP=1) and PUBRELs, in their original order.
void SimMqttClient::resend_inflight() {
  for (const auto& flow : outgoing_) {
    if (flow.released) {
      Packet pubrel;
      pubrel.type = PacketType::pubrel;
      pubrel.packet_id = flow.packet_id;
      send(std::move(pubrel));
    } else {
      Packet again = flow.publish;
      again.dup = true;
      send(std::move(again));
    }
  }
}

void SimMqttClient::on_publish(const Packet& packet) {
  if (state_ != State::connected) return;
  bool deliver = true;
  if (packet.qos == 2) {
    deliver = incoming_qos2_
                  .try_emplace(packet.packet_id, v5() ? packet.topic : std::string(),
                               v5() ? packet.payload : std::string())
                  .second;
  }
  if (!deliver) {  // exactly once: a re-sent QoS 2 PUBLISH is not delivered twice
    acknowledge(packet);
    return;
  }
  std::string payload =
      recorder_.delivered(packet.topic, packet.qos, packet.retain, packet.dup, packet.payload,
                          packet.message_expiry_s, packet.subscription_ids, packet.properties);
  if (packet.qos > 0) acknowledge(packet);
  if (on_message) {
    runtime::ReceivedMessage message{packet.topic,           std::move(payload), packet.qos,
                                     packet.retain,          packet.dup,         std::nullopt,
                                     packet.subscription_ids};
    if (packet.message_expiry_s > 0)
      message.message_expiry = std::chrono::seconds(packet.message_expiry_s);
    message.properties = packet.properties;
    on_message(message);
  }
}

void SimMqttClient::acknowledge(const Packet& publish) {
  auto answer = [this, type = publish.qos == 1 ? PacketType::puback : PacketType::pubrec,
                 id = publish.packet_id] {
    Packet ack;
    ack.type = type;
    ack.packet_id = id;
    send(std::move(ack));
  };
  const bool record = v5() && publish.qos == 1;  // QoS 2 ends at the PUBCOMP (on PUBREL)
  if (options_.ack_delay.count() == 0) {
    answer();
    if (record) recorder_.ack_sent(publish.topic, 1, publish.payload);
    return;
  }
  // A slow consumer: the answer goes out later on this same connection, or never.
  std::weak_ptr<bool> alive = alive_;
  loop_.schedule(options_.ack_delay, [this, alive, answer, record, connection = connection_,
                                      topic = publish.topic, payload = publish.payload] {
    if (alive.expired() || state_ != State::connected || connection_ != connection) return;
    answer();
    if (record) recorder_.ack_sent(topic, 1, payload);
  });
}

void SimMqttClient::on_ack(const Packet& packet) {
  auto it = std::find_if(outgoing_.begin(), outgoing_.end(),
                         [&](const OutFlow& f) { return f.packet_id == packet.packet_id; });
  if (it == outgoing_.end()) return;
  if (packet.type == PacketType::pubrec) {
    if (!it->released) recorder_.pubrec(it->seq, packet.return_code, packet.reason_string);
    it->released = true;
    Packet pubrel;
    pubrel.type = PacketType::pubrel;
    pubrel.packet_id = packet.packet_id;
    send(std::move(pubrel));
    return;
  }
  std::uint64_t seq = it->seq;
  outgoing_.erase(it);
  recorder_.publish_acked(seq, packet.return_code, packet.reason_string);
  if (on_publish_complete) on_publish_complete(seq);
}

void SimMqttClient::on_suback(const Packet& packet, bool subscribe) {
  auto it = std::find_if(requests_.begin(), requests_.end(),
                         [&](const PendingRequest& r) { return r.packet_id == packet.packet_id; });
  if (it == requests_.end()) return;
  PendingRequest request = *it;
  requests_.erase(it);
  if (!subscribe) {
    recorder_.unsuback(request.filter, packet.granted.empty() ? 0 : packet.granted.front(),
                       packet.reason_string);
    return;
  }
  int granted = packet.granted.empty() ? 0x80 : packet.granted.front();
  recorder_.suback(request.filter, granted, packet.reason_string);
  if (on_subscribed) on_subscribed(request.filter, granted);
}

// The next moment something is due: a PINGREQ one keepalive after the last packet sent,
// or the verdict on an unanswered PINGREQ one keepalive after it went out.
void SimMqttClient::arm_keepalive() {
  loop_.cancel(keepalive_timer_);
  if (options_.keepalive.count() == 0) return;
  Duration due = last_sent_ + options_.keepalive;
  if (ping_outstanding_) due = std::min(due, ping_sent_ + options_.keepalive);
  Duration delay = std::max(due - loop_.now(), Duration(1));
  std::weak_ptr<bool> alive = alive_;
  keepalive_timer_ = loop_.schedule(delay, [this, alive] {
    if (!alive.expired()) keepalive_tick();
  });
}

// As Paho: a PINGREQ when nothing was sent for a keepalive period (MQTT-3.1.2-23); no
// PINGRESP within the next period means the connection is dead.
void SimMqttClient::keepalive_tick() {
  if (state_ != State::connected) return;
  if (ping_outstanding_ && loop_.now() - ping_sent_ >= options_.keepalive) {
    lose(runtime::LossReason::keepalive, true);
    return;
  }
  if (loop_.now() - last_sent_ >= options_.keepalive) {
    Packet ping;
    ping.type = PacketType::pingreq;
    ping_outstanding_ = true;
    send(std::move(ping));
    ping_sent_ = last_sent_;
  }
  arm_keepalive();
}

void SimMqttClient::on_closed(runtime::LossReason reason) { lose(reason, false); }

void SimMqttClient::drop_connection() {
  if (state_ == State::disconnected) return;
  lose(runtime::LossReason::network, true);
}

void SimMqttClient::lose(runtime::LossReason reason, bool tell_transport) {
  State was = state_;
  if (was == State::disconnected) return;
  state_ = State::disconnected;
  loop_.cancel(keepalive_timer_);
  loop_.cancel(connect_timer_);
  if (tell_transport) transport_.close_from_client(connection_, false);
  requests_.clear();
  if (options_.clean_session) outgoing_.clear();  // indeterminate: no session to resend from
  if (was == State::connecting) {
    recorder_.connect_failed(static_cast<int>(reason));
    if (on_connect_failed) on_connect_failed(-1);
    return;
  }
  recorder_.connection_lost(reason_text(reason), server_disconnect_code_,
                            server_disconnect_reason_);
  if (on_connection_lost) on_connection_lost(reason);
}

void SimMqttClient::complete_later(std::uint64_t token) {
  std::weak_ptr<bool> alive = alive_;
  loop_.schedule(Duration(0), [this, alive, token] {
    if (!alive.expired() && on_publish_complete) on_publish_complete(token);
  });
}

}  // namespace mqttbed::simulation
