// Deliveries: every PUBLISH a client receives is one its own subscriptions entitle it to, at
// that moment: a matching subscription, at no higher QoS than it grants, with RETAIN=1 only
// when it answers a new subscription.
#pragma once

#include <cstdint>
#include <limits>
#include <unordered_map>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/violation_log.h"

namespace mqttbed::check {

// Judged per delivery, from the receiving client's own SUBSCRIBE, SUBACK, UNSUBACK and
// CONNACK events, with the publisher's publish_sent time (one clock: virtual time, or the
// live process's):
//  - spurious delivery: no subscription of the client matches the topic (MQTT-4.5.0-1, with
//    the matching rules of §4.7). A subscription counts from its SUBSCRIBE (the server may
//    send matching PUBLISHes before the SUBACK, MQTT 3.1.1 §3.8.4) until its UNSUBACK, and
//    ends when a CONNACK says the session is new (MQTT-3.1.2-6, MQTT-3.2.2-1). After the
//    UNSUBACK a message published before it may still arrive (the server may complete or
//    deliver what it had buffered, MQTT-3.10.4-3); one published after it must not
//    (MQTT-3.10.4-2). A `$` topic matched only by filters starting with a wildcard is
//    reported as MQTT-4.7.2-1;
//  - QoS upgrade: delivered QoS above min(publish QoS, the highest QoS granted by the
//    client's matching subscriptions) (MQTT-3.8.4-6, MQTT-3.3.5-1);
//  - RETAIN on a forward: RETAIN=1 on a message published after the latest SUBACK of every
//    matching subscription, i.e. a forward to an established subscription (MQTT-3.3.1-9;
//    MQTT 5 with Retain As Published 0, MQTT-3.3.1-12 there), unless one of them asked for
//    Retain As Published. A message published before a matching subscription's SUBACK may
//    be its retained replay (MQTT-3.3.1-8);
//  - RETAIN lost (MQTT 5): RETAIN=0 on a message published with RETAIN=1 when every matching
//    subscription had asked for Retain As Published before it was published: forward or
//    replay, its RETAIN must then be 1 (MQTT-3.3.1-13).
// Foreign messages (no identity) are judged on the subscription and the grant only.
class DeliveryChecker : public Checker {
 public:
  const char* name() const override { return "deliveries"; }
  void observe(const history::Event& event, const history::History& history) override;
  Verdict finish(const CheckContext& context) override;

 private:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  // One filter a client subscribed to, held or ended.
  struct Subscription {
    std::uint32_t filter = 0;           // string id
    std::uint8_t qos = 0;               // granted; the requested one until the SUBACK
    std::int64_t acked_ns = kNever;     // latest SUBACK; kNever while a SUBSCRIBE is pending
    std::int64_t ended_ns = kNever;     // UNSUBACK or refusal; kNever while held
    bool retain_as_published = false;   // MQTT 5, as the latest SUBSCRIBE asked
    std::int64_t options_since_ns = 0;  // that SUBSCRIBE, when it changed the option
  };
  // What the client's subscriptions say about one delivered topic.
  struct Entitlement {
    bool held = false;                     // a matching subscription is held now
    bool tolerated = false;                // or ended after the message was published
    bool ended_unknown = false;            // or ended, and the publish time is unknown
    bool ended = false;                    // a matching subscription ended before the publish
    bool dollar_wildcard = false;          // a held filter would match but for MQTT-4.7.2-1
    std::uint8_t qos = 0;                  // highest grant among held and tolerated ones
    std::int64_t latest_ack_ns = -1;       // latest SUBACK among them (kNever: one pending)
    bool any_retain_as_published = false;  // one of them asks for Retain As Published
    bool all_retain_as_published = true;   // all of them did, before `publish_ns`
  };

  void on_delivered(const history::Event& event, const history::History& history);
  Entitlement entitlement(const history::Event& event, std::int64_t publish_ns,
                          const history::History& history) const;
  Subscription* find(std::uint32_t client, std::uint32_t filter);
  Subscription& subscription(std::uint32_t client, std::uint32_t filter);  // found or added
  void record_publish(const history::Event& event);
  // The publisher's publish_sent (or will CONNECT) time of `id`, -1 when unknown; `retain`
  // gets its RETAIN flag.
  std::int64_t publish_time(history::MessageId id, bool* retain) const;
  void report(const char* invariant, const char* spec, const history::Event& event,
              const history::History& history);

  std::unordered_map<std::uint32_t, std::vector<Subscription>> clients_;
  // By publisher, by seq - 1: publish time * 2 + RETAIN (8 bytes a message).
  std::vector<std::vector<std::int64_t>> published_;
  Counts counts_;
  ViolationLog log_;
};

}  // namespace mqttbed::check
