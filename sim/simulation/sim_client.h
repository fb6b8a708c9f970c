// runtime::MqttClient in simulation: the client side of MQTT 3.1.1/5.0 (QoS flows with
// packet ids, resend on reconnect, keepalive pings) over the simulated Transport, recording
// every observable step in the history.
#pragma once

#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "sim/history/client_recorder.h"
#include "sim/history/envelope.h"
#include "sim/runtime/mqtt_client.h"
#include "sim/simulation/event_loop.h"
#include "sim/simulation/transport.h"

namespace mqttbed::simulation {

class SimMqttClient final : public runtime::MqttClient, public ClientEndpoint {
 public:
  // Clients by id, for fault injection; a client enters itself and leaves on destruction.
  struct Directory {
    std::unordered_map<std::string, SimMqttClient*> clients;
    bool run_over = false;  // teardown after the run: destruction is not a device reboot
    // What the device's TLS stack and token store present (scenario `identity:`): fills a
    // CONNECT's certificate reference and password, or the forged credential an intruder
    // asks for (`forgery`, empty = its own). Unset: no credentials.
    std::function<void(const std::string& client_id, const std::string& forgery,
                       mqtt::Packet& connect)>
        credentials;
  };

  SimMqttClient(std::string client_id, NodeId node, int home, EventLoop& loop, Transport& transport,
                history::History& history, Directory& directory);
  ~SimMqttClient() override;

  const std::string& client_id() const override { return client_id_; }
  std::size_t payload_overhead_bytes() const override {
    return history::envelope::max_overhead_bytes(client_id_);
  }
  void connect(const runtime::ConnectOptions& options) override;
  void disconnect() override;
  bool is_connected() const override { return state_ == State::connected; }
  using runtime::MqttClient::publish;
  std::uint64_t publish(const std::string& topic, const std::string& payload, int qos, bool retain,
                        const runtime::PublishOptions& options) override;
  using runtime::MqttClient::subscribe;
  void subscribe(const std::string& filter, int qos,
                 const runtime::SubscribeOptions& options) override;
  void unsubscribe(const std::string& filter) override;
  void record_attempt(const std::string& kind, const std::string& target) override {
    recorder_.attempt(kind, target);
  }

  // ClientEndpoint
  void on_packet(const mqtt::Packet& packet) override;
  void on_closed(runtime::LossReason reason) override;

  // Fault injection: the connection vanishes under the device (link down, crash); the
  // broker is told nothing and must notice by keepalive.
  void drop_connection();

 private:
  enum class State { disconnected, connecting, connected };
  struct OutFlow {
    std::uint16_t packet_id = 0;
    mqtt::Packet publish;
    std::uint64_t seq = 0;
    bool released = false;  // PUBREC seen, PUBREL sent (QoS 2 second half)
  };
  struct PendingRequest {
    std::uint16_t packet_id = 0;
    std::string filter;
    int qos = 0;
    bool subscribe = true;
  };

  void send(mqtt::Packet packet);
  std::uint16_t next_packet_id();
  void on_connack(const mqtt::Packet& packet);
  void on_publish(const mqtt::Packet& packet);
  void on_ack(const mqtt::Packet& packet);
  void on_suback(const mqtt::Packet& packet, bool subscribe);
  void resend_inflight();
  void arm_keepalive();
  void keepalive_tick();
  void lose(runtime::LossReason reason, bool tell_transport);
  void complete_later(std::uint64_t token);
  // Answers a received QoS 1/2 PUBLISH (PUBACK/PUBREC), after options_.ack_delay if any.
  void acknowledge(const mqtt::Packet& publish);
  bool v5() const { return options_.version == runtime::ProtocolVersion::v5; }

  std::string client_id_;
  NodeId node_;
  int home_;
  EventLoop& loop_;
  Transport& transport_;
  Directory& directory_;
  history::ClientRecorder recorder_;
  runtime::ConnectOptions options_;
  State state_ = State::disconnected;
  ConnectionId connection_ = 0;
  std::list<OutFlow> outgoing_;  // QoS 1/2 flows in send order (MQTT-4.6.0-1)
  // Incoming QoS 2 ids held until PUBREL (MQTT-4.3.3-2); v5: with the PUBLISH's topic and
  // payload, for the ack_sent its PUBCOMP records.
  std::map<std::uint16_t, std::pair<std::string, std::string>> incoming_qos2_;
  std::list<PendingRequest> requests_;  // lists: an empty std::deque already holds ~600 B
  std::uint16_t last_packet_id_ = 0;
  TimerId keepalive_timer_ = 0;
  TimerId connect_timer_ = 0;
  Duration last_sent_{0};
  Duration ping_sent_{0};
  bool ping_outstanding_ = false;
  // The v5 DISCONNECT the broker sent on this connection, recorded with its close.
  std::uint8_t server_disconnect_code_ = 0;
  std::string server_disconnect_reason_;
  // Guards callbacks scheduled on the loop against this client being destroyed (reboot).
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace mqttbed::simulation
