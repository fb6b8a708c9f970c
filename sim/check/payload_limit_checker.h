// The broker's declared payload limit (`broker: {payload_limit}`): it refuses what is over
// the limit and accepts what is within it.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/violation_log.h"

namespace mqttbed::check {

// Judged per message by its size on the wire (the application payload plus the identity
// envelope in front of it, which every runtime client adds): the limit is a broker limit,
// not an MQTT rule (MQTT 3.1.1 §1.5.3 lets a payload reach 268,435,455 bytes; the limit is
// the server's own, as MQTT 5's Maximum Packet Size, MQTT-3.1.2-24 of v5, and AWS IoT
// Core's 128 KB are). Known only at finish (CheckContext::payload_limit_bytes), so sizes are
// tallied as they come: memory grows with the distinct sizes, not the messages.
//  - a publish over the limit must never be delivered to anyone (each such delivery is a
//    violation, counted unexpected);
//  - a publish within the limit is ok once it is acknowledged (QoS 1/2) or delivered to
//    anyone; otherwise indeterminate (the history cannot tell it was refused: a QoS 0
//    message nobody subscribed to looks the same). Its loss is the QoS checkers' business.
// With no declared limit (0: an old history) nothing is judged.
class PayloadLimitChecker : public Checker {
 public:
  const char* name() const override { return "payload_limit"; }
  void observe(const history::Event& event, const history::History& history) override;
  Verdict finish(const CheckContext& context) override;

 private:
  struct Tally {
    std::uint64_t published = 0;
    std::uint64_t delivered_messages = 0;          // publishes delivered at least once
    std::uint64_t acked_undelivered = 0;           // acknowledged, not (yet) delivered
    std::uint64_t copies = 0;                      // deliveries, every copy
    std::vector<history::Event> first_deliveries;  // a few, for the excerpts
  };
  struct Sent {
    std::uint32_t wire_bytes = 0;
    bool acked = false;
  };

  std::uint32_t wire_bytes(const history::Event& event, const history::History& history) const;

  const history::History* history_ = nullptr;
  std::map<std::uint32_t, Tally> by_size_;     // wire bytes -> what happened
  std::map<std::uint64_t, Sent> undelivered_;  // pair_key(publisher, seq), until delivered
};

}  // namespace mqttbed::check
