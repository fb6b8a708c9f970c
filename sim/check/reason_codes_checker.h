// Reason codes: every code the server answers with is one the spec lists for that packet,
// and a refused CONNACK claims no session. Judged per the protocol level each connection
// asked for (connect_sent code 5 = MQTT 5, else 3.1.1).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/violation_log.h"

namespace mqttbed::check {

// MQTT 5 lists, for each packet, the Reason Codes its sender MUST choose from: CONNACK
// (MQTT-3.2.2-8), PUBACK (MQTT-3.4.2-1), PUBREC (MQTT-3.5.2-1), PUBCOMP (MQTT-3.7.2-1),
// SUBACK (MQTT-3.9.3-2), UNSUBACK (MQTT-3.11.3-2), and a server's DISCONNECT
// (MQTT-3.14.2-1, without 0x04, which only a client sends). MQTT 3.1.1 allows CONNACK
// return codes 0..5 (§3.2.2.3) and SUBACK 0x00, 0x01, 0x02, 0x80 (MQTT-3.9.3-2); its other
// acks carry none. A CONNACK with a non-zero code has Session Present 0 (MQTT-3.2.2-6 in
// MQTT 5, MQTT-3.2.2-4 in 3.1.1). Each recorded code counts as one item checked; a code
// outside its packet's list is `unexpected`.
class ReasonCodesChecker : public Checker {
 public:
  const char* name() const override { return "reason_codes"; }
  void observe(const history::Event& event, const history::History& history) override;
  Verdict finish(const CheckContext& context) override;

 private:
  void judge(bool valid, const char* invariant, const char* spec, const history::Event& event,
             const history::History& history);

  std::vector<bool> v5_;  // by client: its last CONNECT asked for MQTT 5
  Counts counts_;
  ViolationLog log_;
};

}  // namespace mqttbed::check
