// Packets of a connected client: PUBLISH in with its QoS flow, acks of outgoing flows,
// SUBSCRIBE/UNSUBSCRIBE, PINGREQ, DISCONNECT, and protocol violations.
#include <algorithm>
#include <utility>
#include <vector>

#include "sim/broker/broker_state.h"
#include "sim/mqtt/topic.h"

namespace mqttbed::broker {
namespace {

constexpr std::uint8_t kSubackFailure = 0x80;    // v3.1.1 (MQTT-3.9.3)
constexpr std::uint8_t kNotAuthorizedV5 = 0x87;  // v5 reason code

}  // namespace

void Broker::State::send(ConnectionId id, mqtt::PacketType type, std::uint16_t packet_id) {
  mqtt::Packet packet;
  packet.type = type;
  packet.packet_id = packet_id;
  host.send(id, std::move(packet));
}

void Broker::State::on_client_packet(Connection& connection, const mqtt::Packet& packet) {
  connection.last_packet = host.now();  // any control packet resets keepalive (MQTT-3.1.2-24)
  switch (packet.type) {
    case mqtt::PacketType::publish:
      on_publish(connection, packet);
      return;
    case mqtt::PacketType::puback:
    case mqtt::PacketType::pubrec:
    case mqtt::PacketType::pubrel:
    case mqtt::PacketType::pubcomp:
      on_ack(connection, packet);
      return;
    case mqtt::PacketType::subscribe:
      on_subscribe(connection, packet);
      return;
    case mqtt::PacketType::unsubscribe:
      on_unsubscribe(connection, packet);
      return;
    case mqtt::PacketType::pingreq:
      send(connection.id, mqtt::PacketType::pingresp, 0);  // MQTT-3.12.4-1
      return;
    case mqtt::PacketType::disconnect:
      end_connection(connection.id, mqtt::ConnectionEnd::disconnect);  // MQTT-3.14.4-3
      return;
    case mqtt::PacketType::connect:  // MQTT-3.1.0-2: a second CONNECT is a violation
    default:                         // server-to-client packets from a client too
      end_connection(connection.id, mqtt::ConnectionEnd::protocol_error);
      return;
  }
}

void Broker::State::on_publish(Connection& connection, const mqtt::Packet& packet) {
  // MQTT-3.3.1-4: QoS 3 is malformed; MQTT-2.3.1-1: QoS>0 needs a non-zero id;
  // MQTT-3.3.2-2: no wildcards in a topic name.
  if (packet.qos > 2 || (packet.qos > 0 && packet.packet_id == 0) ||
      !mqtt::is_valid_topic_name(packet.topic)) {
    end_connection(connection.id, mqtt::ConnectionEnd::protocol_error);
    return;
  }
  // AWS IoT Core: "When QoS level 2 is requested, the AWS IoT message broker does not send a
  // PUBACK or SUBACK" (docs/scenario.md): the message goes nowhere and gets no answer.
  if (packet.qos == 2 && config.qos2_unanswered) return;
  // --- MUTATION ignore_payload_limit: oversized payloads accepted and delivered.
  if (static_cast<std::int64_t>(packet.payload.size()) > config.payload_limit_bytes &&
      config.mutation != Mutation::ignore_payload_limit) {
    ++stats.dropped_payload_limit;  // closed as AWS IoT does with oversized messages
    end_connection(connection.id, mqtt::ConnectionEnd::server_closed);
    return;
  }
  ++stats.publishes_in;
  // Denied publishes are acknowledged anyway and delivered nowhere (as mosquitto does).
  const bool allowed = authorized(connection.client_id, policy::Action::publish, packet.topic);
  if (!allowed) {
    ++stats.denied;
    if (config.close_on_denied_publish && config.version == mqtt::Version::v311) {
      end_connection(connection.id, mqtt::ConnectionEnd::server_closed);
      return;
    }
  }
  mqtt::Message message{packet.topic, packet.payload, packet.qos, packet.retain};
  if (config.version == mqtt::Version::v5) {
    message.expiry_s = packet.message_expiry_s;  // counted from now (MQTT-3.3.2-5)
    message.received_ns = host.now().count();
    message.properties = packet.properties;
  }
  const std::string publisher = connection.client_id;
  const ConnectionId id = connection.id;
  if (packet.qos == 2) {
    mqtt::Session* session = sessions.find(connection.client_id);
    // MQTT-4.3.3-2: a PUBLISH whose id is still held (not yet released by PUBREL) is a
    // resend of the same message: acknowledged again, not delivered again.
    const bool fresh = session != nullptr && session->begin_incoming_qos2(packet.packet_id);
    if (fresh && allowed) route(std::move(message), publisher);
    // --- MUTATION drop_acks: the server answers no PUBLISH and no SUBSCRIBE.
    if (config.mutation != Mutation::drop_acks)
      send(id, mqtt::PacketType::pubrec, packet.packet_id);
    return;
  }
  if (allowed) route(std::move(message), publisher);
  if (packet.qos != 1 || config.mutation == Mutation::drop_acks) return;
  mqtt::Packet puback;  // MQTT-4.3.2-2
  puback.type = mqtt::PacketType::puback;
  puback.packet_id = packet.packet_id;
  // --- MUTATION invalid_reason_code: 0x03 is no PUBACK reason code (MQTT-3.4.2-1).
  if (config.mutation == Mutation::invalid_reason_code && config.version == mqtt::Version::v5)
    puback.return_code = 0x03;
  host.send(id, std::move(puback));
}

void Broker::State::on_ack(Connection& connection, const mqtt::Packet& packet) {
  mqtt::Session* session = sessions.find(connection.client_id);
  if (session == nullptr) return;
  switch (packet.type) {
    case mqtt::PacketType::puback:
      if (session->on_puback(packet.packet_id)) flush(*session);
      return;
    case mqtt::PacketType::pubrec:
      // MQTT-4.3.3-1: answer PUBREC with PUBREL carrying the same id.
      if (session->on_pubrec(packet.packet_id)) {
        send(connection.id, mqtt::PacketType::pubrel, packet.packet_id);
      }
      return;
    case mqtt::PacketType::pubcomp:
      if (session->on_pubcomp(packet.packet_id)) flush(*session);
      return;
    case mqtt::PacketType::pubrel:
      // MQTT-4.3.3-2: PUBREL releases the id; PUBCOMP is sent even for an unknown id so a
      // client resending PUBREL after a reconnect can finish its flow.
      session->release_incoming_qos2(packet.packet_id);
      send(connection.id, mqtt::PacketType::pubcomp, packet.packet_id);
      return;
    default:
      return;
  }
}

void Broker::State::on_subscribe(Connection& connection, const mqtt::Packet& packet) {
  // MQTT-3.8.3-3: at least one filter; MQTT-3.8.3-4: requested QoS above 2 is malformed.
  // v5 §3.8.3.1: Retain Handling 3 is a Protocol Error.
  const bool malformed = packet.subscriptions.empty() || packet.packet_id == 0 ||
                         std::any_of(packet.subscriptions.begin(), packet.subscriptions.end(),
                                     [](const mqtt::SubscribeRequest& r) {
                                       return r.qos > 2 || r.retain_handling > 2;
                                     });
  if (malformed) {
    end_connection(connection.id, mqtt::ConnectionEnd::protocol_error);
    return;
  }
  // AWS IoT Core sends no SUBACK when QoS 2 is requested (see on_publish).
  if (config.qos2_unanswered &&
      std::any_of(packet.subscriptions.begin(), packet.subscriptions.end(),
                  [](const mqtt::SubscribeRequest& r) { return r.qos == 2; })) {
    return;
  }
  mqtt::Session* session = sessions.find(connection.client_id);
  const bool v5 = config.version == mqtt::Version::v5;
  const std::uint8_t max_qos = config.qos2 ? 2 : 1;
  // Per filter: are its retained messages sent now (v5 Retain Handling, §3.8.3.1)?
  std::vector<bool> replay(packet.subscriptions.size(), true);
  const std::uint8_t refused =
      config.version == mqtt::Version::v5 ? kNotAuthorizedV5 : kSubackFailure;
  mqtt::Packet suback;
  suback.type = mqtt::PacketType::suback;
  suback.packet_id = packet.packet_id;  // MQTT-3.8.4-2
  for (std::size_t i = 0; i < packet.subscriptions.size(); ++i) {
    const mqtt::SubscribeRequest& request = packet.subscriptions[i];
    std::string share_error;
    const auto share = mqtt::parse_shared(request.filter, &share_error);
    // Shared Subscriptions are MQTT 5 (§4.8.2); a malformed one is refused (MQTT-4.8.2-1/-2).
    if (!mqtt::is_valid_topic_filter(request.filter) || !share_error.empty() ||
        (share && config.version != mqtt::Version::v5)) {
      suback.granted.push_back(refused);
      continue;
    }
    // --- MUTATION refuse_subscriptions: every filter refused, permitted ones too.
    if (config.mutation == Mutation::refuse_subscriptions ||
        !authorized(connection.client_id, policy::Action::subscribe,
                    mqtt::authorized_filter(request.filter))) {
      ++stats.denied;
      suback.granted.push_back(refused);
      continue;
    }
    // MQTT-3.9.3: the server may grant a lower QoS than requested.
    const std::uint8_t granted = std::min(request.qos, max_qos);
    const bool is_new = session->subscribe(request.filter, granted);
    if (share) {
      shared.add(share->group, share->filter, connection.session_key, granted);
      suback.granted.push_back(granted);
      continue;
    }
    mqtt::SubscriptionEntry entry{granted};
    if (v5) {
      entry.no_local = request.no_local;
      entry.retain_as_published = request.retain_as_published;
      entry.id = packet.subscription_id;
      // MQTT-3.3.1-9/-10/-11: 0 replays, 1 only for a subscription that did not exist, 2
      // never. --- MUTATION ignore_retain_handling: always replays.
      if (config.mutation != Mutation::ignore_retain_handling)
        replay[i] = request.retain_handling == 0 || (request.retain_handling == 1 && is_new);
    }
    subscriptions.insert(request.filter, connection.session_key, entry);
    suback.granted.push_back(granted);
  }
  // MQTT-3.8.4-1, one code per filter (MQTT-3.8.4-5). --- MUTATION drop_acks: no SUBACK.
  if (config.mutation != Mutation::drop_acks) host.send(connection.id, suback);
  // MQTT-3.3.1-6: each granted subscription gets the retained messages it matches, with
  // RETAIN=1 (MQTT-3.3.1-8), at most at the granted QoS, with the subscription's identifier
  // (MQTT-3.3.4-3).
  for (std::size_t i = 0; i < packet.subscriptions.size(); ++i) {
    // No retained messages for a shared subscription (v5 §4.8.2: "retained messages are not
    // sent to the Session when it first subscribes").
    if (suback.granted[i] > 2 || !replay[i] || mqtt::parse_shared(packet.subscriptions[i].filter))
      continue;
    for (mqtt::Message message : retained.matching(packet.subscriptions[i].filter)) {
      message.qos = std::min(message.qos, suback.granted[i]);
      if (v5 && packet.subscription_id != 0 && config.mutation != Mutation::drop_subscription_ids)
        message.subscription_ids = {packet.subscription_id};
      offer(*session, std::move(message));
    }
  }
}

void Broker::State::on_unsubscribe(Connection& connection, const mqtt::Packet& packet) {
  if (packet.unsubscribe_filters.empty() || packet.packet_id == 0) {  // MQTT-3.10.3-2
    end_connection(connection.id, mqtt::ConnectionEnd::protocol_error);
    return;
  }
  mqtt::Session* session = sessions.find(connection.client_id);
  mqtt::Packet unsuback;
  unsuback.type = mqtt::PacketType::unsuback;
  unsuback.packet_id = packet.packet_id;
  for (const std::string& filter : packet.unsubscribe_filters) {
    const bool existed = session->unsubscribe(filter);
    // --- MUTATION deliver_after_unsubscribe: the filter keeps routing (UNSUBACK all the same).
    if (config.mutation != Mutation::deliver_after_unsubscribe)
      unroute(filter, connection.session_key);
    // v5 §3.11.3: one reason code per filter, 0x11 when no such subscription existed.
    if (config.version == mqtt::Version::v5) unsuback.granted.push_back(existed ? 0x00 : 0x11);
  }
  // MQTT-3.10.4-4/-5: UNSUBACK with the same id, even if nothing was subscribed.
  host.send(connection.id, std::move(unsuback));
}

}  // namespace mqttbed::broker
