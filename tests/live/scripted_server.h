// A scripted misbehaving MQTT server for live tests: listens on a free 127.0.0.1 port and
// answers every connection with one fixed, deliberately wrong behaviour (issue 12).
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace mqttbed::live::testing {

class ScriptedServer {
 public:
  enum class Behaviour {
    // CONNACK 0 to the CONNECT, then close the connection `close_after` later.
    connack_then_close,
    // Accepts TCP, then sends bytes that are no MQTT packet (an HTTP error) and keeps the
    // connection open until the client closes it.
    garbage,
    // CONNACK 0 and PINGRESP to PINGREQ (the connection stays up), nothing else: no PUBACK,
    // PUBREC, PUBCOMP, SUBACK or UNSUBACK, no delivery.
    connack_then_silent,
    // A broker that checks nothing (for the conformance probes' failing side): CONNACK 0 to
    // every CONNECT (a second one, an empty client id, reserved bits), SUBACK granting what
    // was asked whatever the flags, acknowledges every PUBLISH (QoS 3 too), forwards each to
    // every connection that subscribed to anything ($-topics too) once, at the highest QoS
    // granted to that connection (capped by the publish's), and never disconnects anyone
    // for silence.
    sloppy_broker,
  };

  explicit ScriptedServer(Behaviour behaviour,
                          std::chrono::milliseconds close_after = std::chrono::milliseconds(200));
  ~ScriptedServer();
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  // Connections accepted so far.
  int connections() const { return connections_.load(); }

 private:
  void serve();

  Behaviour behaviour_;
  std::chrono::milliseconds close_after_;
  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};  // written on destruction to end serve()
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace mqttbed::live::testing
