// Message ordering (MQTT 3.1.1 §4.6): per publisher, per subscriber, per topic and QoS,
// first deliveries arrive in the order the publisher sent them.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>

#include "sim/check/checker.h"
#include "sim/check/client_sessions.h"
#include "sim/check/seq_set.h"
#include "sim/check/violation_log.h"

namespace mqttbed::check {

// Judges each first delivery (a message not delivered to this client before; redeliveries
// after a reconnect are exempt) against the highest seq already first-delivered on the same
// (subscriber, publisher, topic, publish QoS) stream: it must be higher. The broker treats
// every topic as an Ordered Topic (MQTT-4.6.0-6). Retained-store copies and wills are not
// part of the stream.
class OrderingChecker : public Checker {
 public:
  // `sessions`: shared with the other checkers; it tells which deliveries may have come
  // through a shared subscription, which have no order promise (MQTT-4.6.0-6).
  explicit OrderingChecker(
      std::shared_ptr<ClientSessions> sessions = std::make_shared<ClientSessions>())
      : sessions_(std::move(sessions)) {}
  const char* name() const override { return "ordering"; }
  void observe(const history::Event& event, const history::History& history) override;
  Verdict finish(const CheckContext& context) override;

 private:
  struct StreamKey {
    std::uint32_t subscriber, publisher, topic;
    std::uint8_t qos;
    bool operator==(const StreamKey&) const = default;
  };
  struct StreamHash {
    std::size_t operator()(const StreamKey& k) const {
      std::uint64_t h = (std::uint64_t{k.subscriber} << 32 | k.publisher) * 0x9E3779B97F4A7C15u;
      return h ^ ((std::uint64_t{k.topic} << 2 | k.qos) * 0xC2B2AE3D27D4EB4Fu);
    }
  };
  struct Highest {
    std::uint64_t seq = 0;
    std::int64_t time_ns = 0;  // when it was delivered, for the excerpt
  };

  std::unordered_map<std::uint64_t, SeqSet> delivered_;  // by pair_key(subscriber, publisher)
  std::unordered_map<StreamKey, Highest, StreamHash> highest_;
  Counts counts_;
  ViolationLog log_;
  std::shared_ptr<ClientSessions> sessions_;
};

}  // namespace mqttbed::check
