// Answers: every request the protocol obliges the server to answer (a QoS 1/2 PUBLISH, a
// SUBSCRIBE) got its answer while the connection it was sent on stayed up.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/violation_log.h"

namespace mqttbed::check {

// A QoS 1 PUBLISH is owed a PUBACK (MQTT-4.3.2-2), a QoS 2 one PUBREC and then PUBCOMP
// (MQTT-4.3.3-2; the history records the PUBCOMP as publish_acked), a SUBSCRIBE a SUBACK
// (MQTT-3.8.4-1). A request sent before the settle window began that is still unanswered at
// the end of the run, on a connection that never ended, is `lost`. When its connection ended
// first the answer may have been lost with it (`indeterminate`, unless it still came: a
// persistent session's resend is acknowledged on a later connection). UNSUBACK and PINGRESP
// are not recorded in the history, so they are not judged.
class AnswersChecker : public Checker {
 public:
  const char* name() const override { return "answers"; }
  void observe(const history::Event& event, const history::History& history) override;
  Verdict finish(const CheckContext& context) override;

 private:
  struct Request {
    history::Event sent;  // publish_sent or subscribe_sent
    bool connection_ended = false;
  };
  struct Client {
    std::unordered_map<std::uint64_t, Request> publishes;  // by seq
    std::vector<Request> subscribes;                       // in order sent
  };

  const history::History* history_ = nullptr;
  std::unordered_map<std::uint32_t, Client> clients_;
  Counts counts_;
  ViolationLog log_;
};

}  // namespace mqttbed::check
