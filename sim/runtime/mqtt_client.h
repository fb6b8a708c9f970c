// The asynchronous MQTT client a device sees: Paho-like calls, callbacks on the runtime's
// own event loop. Implemented by the simulation (over the broker model) and live (Paho).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/mqtt/properties.h"

namespace mqttbed::runtime {

struct WillMessage {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retain = false;
  // MQTT 5 Will Delay Interval: the server waits this long after the connection ends (or
  // until the session ends, if sooner) and drops the will if the client is back by then
  // (MQTT-3.1.3-9). Unset or 0: published at once. Ignored by a 3.1.1 client.
  std::optional<std::chrono::seconds> delay{};
};

// MQTT 5 Response Topic, Correlation Data and User Properties of a message (§3.3.2.3).
using MessageProperties = mqtt::ApplicationProperties;

// The protocol a client speaks; one per run (the scenario's mqtt.version).
enum class ProtocolVersion { v311, v5 };

struct ConnectOptions {
  ProtocolVersion version = ProtocolVersion::v311;
  bool clean_session = true;  // v5: Clean Start
  std::chrono::seconds keepalive{30};
  // MQTT 5 Session Expiry Interval (v5 only; unset there = 0, the session ends with the
  // connection). MQTT 3.1.1: a persistent session never expires.
  std::optional<std::chrono::seconds> session_expiry;
  std::optional<WillMessage> will;
  std::string username;
  std::string password;
  // MQTT 5 Receive Maximum (§3.1.2.11.3): the most QoS 1/2 PUBLISHes this client lets the
  // server have unacknowledged at once (MQTT-3.3.4-9). Unset: none announced (65535).
  std::optional<std::uint16_t> receive_maximum;
  // Simulation only: how long the client takes to acknowledge an incoming QoS 1/2 PUBLISH (a
  // slow consumer; what makes Receive Maximum matter). Paho acknowledges live as soon as the
  // message callback returns.
  std::chrono::milliseconds ack_delay{0};
  // Intruders only (devices/intruder.h). Non-empty: the CONNECT carries this client id instead
  // of the client's own (the history still names the client by its own id, its principal).
  std::string connect_as;
  // Non-empty: present this forged credential instead of the device's own; a name of
  // identity::Forgery ("expired_token", "revoked_certificate", ...).
  std::string forged_credential;
};

// MQTT 5 Subscription Options (§3.8.3.1) and Subscription Identifier (§3.8.2.1.2); a 3.1.1
// client sends none of them.
struct SubscribeOptions {
  bool no_local = false;              // not sent what this client id publishes (MQTT-3.8.3-3)
  bool retain_as_published = false;   // forwards keep the RETAIN flag as published
  int retain_handling = 0;            // 0: retained sent, 1: only if new, 2: never
  std::uint32_t subscription_id = 0;  // 1..268435455 returned on deliveries; 0 = none
};

// Per-publish MQTT 5 properties (ignored by a 3.1.1 client, which has none).
struct PublishOptions {
  // Message Expiry Interval: the server drops the message once it has waited this long
  // (MQTT-3.3.2-5). Unset: it never expires.
  std::optional<std::chrono::seconds> message_expiry;
  // Request/response (§4.10) and user properties, forwarded by the server unaltered.
  MessageProperties properties{};
};

// A message as the device receives it (the runtime strips its own bookkeeping).
struct ReceivedMessage {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retain = false;
  bool dup = false;
  // MQTT 5: what was left of its Message Expiry Interval when the server sent it.
  std::optional<std::chrono::seconds> message_expiry;
  // MQTT 5: the Subscription Identifiers of the subscriptions it was sent for (MQTT-3.3.4-3).
  std::vector<std::uint32_t> subscription_ids{};
  MessageProperties properties{};  // MQTT 5: as the server forwarded them
};

// Why a connection ended without the device asking for it.
enum class LossReason { network, keepalive, refused, broker_closed };

class MqttClient {
 public:
  virtual ~MqttClient() = default;

  // The client id this client connects with (the device's stable name).
  virtual const std::string& client_id() const = 0;
  // The most bytes the runtime puts in front of a payload it publishes (its identity
  // envelope). A broker's payload limit counts them: a device that must keep a payload
  // within a size on the wire makes its own part this much smaller.
  virtual std::size_t payload_overhead_bytes() const { return 0; }

  // Starts a connection attempt; exactly one of on_connected / on_connect_failed follows.
  virtual void connect(const ConnectOptions& options) = 0;
  // Graceful end: sends DISCONNECT (so the broker discards the will, MQTT-3.14.4-3).
  virtual void disconnect() = 0;
  virtual bool is_connected() const = 0;

  // Returns a token that on_publish_complete reports once the QoS flow ends (QoS 0: at send).
  virtual std::uint64_t publish(const std::string& topic, const std::string& payload, int qos,
                                bool retain, const PublishOptions& options) = 0;
  std::uint64_t publish(const std::string& topic, const std::string& payload, int qos,
                        bool retain) {
    return publish(topic, payload, qos, retain, PublishOptions{});
  }
  virtual void subscribe(const std::string& filter, int qos, const SubscribeOptions& options) = 0;
  void subscribe(const std::string& filter, int qos) { subscribe(filter, qos, SubscribeOptions{}); }
  virtual void unsubscribe(const std::string& filter) = 0;
  // Records that the next operation is an intruder's deliberate attempt `kind` on `target`
  // (history EventType::attempt), so a checker tells it from a legitimate operation.
  virtual void record_attempt(const std::string& kind, const std::string& target) = 0;

  // Callbacks, called on the runtime's event loop; set them before connect().
  std::function<void(bool session_present)> on_connected;
  std::function<void(int return_code)> on_connect_failed;
  std::function<void(LossReason reason)> on_connection_lost;
  std::function<void(const ReceivedMessage& message)> on_message;
  std::function<void(std::uint64_t token)> on_publish_complete;
  std::function<void(const std::string& filter, int granted_qos)> on_subscribed;
};

}  // namespace mqttbed::runtime
