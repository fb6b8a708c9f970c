// Flow control (MQTT 5 §4.9): the server never has more QoS 1/2 PUBLISHes unacknowledged on
// a connection than the Receive Maximum the client announced in its CONNECT.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/violation_log.h"

namespace mqttbed::check {

// Judged per QoS 1/2 PUBLISH a client receives, from its own events on one connection: the
// server sent it, and every PUBLISH received before it on the connection whose PUBACK or
// PUBCOMP the client had not yet written (ack_sent) was certainly still unacknowledged at
// the server then (one TCP stream: those came first). More of them, this one included, than
// the Receive Maximum of the connection's CONNECT is `unexpected` (MQTT-3.3.4-9, §4.9). The
// count is a lower bound (the server may have had more out), never an overestimate: a
// PUBLISH the client never records (a resent QoS 2 it already has) is not counted.
// Only connections whose client records its acknowledgements are judged (the simulated
// client; Paho acknowledges on its own, so live deliveries there are `indeterminate`).
// The client's side of the promise (MQTT-3.3.4-7, the server's Receive Maximum in CONNACK)
// is not judged: publish_sent records when the application handed a message over, not when
// the client put it on the wire.
class FlowControlChecker : public Checker {
 public:
  const char* name() const override { return "flow_control"; }
  void observe(const history::Event& event, const history::History& history) override;
  Verdict finish(const CheckContext& context) override;

 private:
  struct Connection {
    std::uint16_t receive_maximum = 0;  // 0: none announced
    bool records_acks = false;
    std::vector<history::Event> unacknowledged;  // received, not yet acknowledged, in order
    std::uint64_t reported = 0;                  // violations reported on this connection
  };
  void on_delivered(const history::Event& event, const history::History& history);

  std::unordered_map<std::uint32_t, Connection> connections_;  // by client
  Counts counts_;
  ViolationLog log_;
};

}  // namespace mqttbed::check
