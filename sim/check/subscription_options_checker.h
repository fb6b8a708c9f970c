// MQTT 5 subscription options and identifiers: No Local, Retain Handling, and the
// Subscription Identifiers a delivery carries. (Retain As Published is the deliveries
// check's, beside the 3.1.1 RETAIN rule it qualifies.)
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/violation_log.h"

namespace mqttbed::check {

// Judged per delivery of a message with identity, from the receiving client's own SUBSCRIBE,
// SUBACK, UNSUBSCRIBE and CONNACK events (options as recorded on subscribe_sent) and the
// publisher's publish_sent / publish_acked times. A subscription's options count for a
// message when its SUBSCRIBE asking for them was answered (SUBACK) before the message was
// published; subscriptions ended before the publish do not count; ended after it, they do.
//  - No Local (MQTT-3.8.3-3): a message its own client id published (a will too) delivered
//    to it while every counting matching subscription has No Local: `unexpected`.
//  - Retain Handling (MQTT-3.3.1-10, -11): a replay is a RETAIN=1, DUP=0 delivery of a
//    message the server had acknowledged before the subscriptions it came for began (every
//    matching one; or, when it carries identifiers, the ones they name), so no forward: with
//    Retain Handling 2 on all of those it is `unexpected` (-11); with 1, a second replay of
//    the same message within one holding (the re-SUBSCRIBE found it existing) is
//    `unexpected` (-10).
//  - Subscription Identifiers: every identifier a delivery carries belongs to a matching
//    subscription of the client (MQTT-3.3.4-3); and the deliveries of one message to one
//    client carry, together, the identifier of every matching subscription that had it
//    before the publish and still held it at the delivery: one copy must carry them all
//    (MQTT-3.3.4-4), several copies one each (MQTT-3.3.4-5). Replays are judged on the first
//    rule only (which subscription caused one is not recorded).
// Deliveries to clients that use none of these options are not counted.
class SubscriptionOptionsChecker : public Checker {
 public:
  const char* name() const override { return "subscription_options"; }
  void observe(const history::Event& event, const history::History& history) override;
  Verdict finish(const CheckContext& context) override;

 private:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  struct Subscription {
    std::uint32_t filter = 0;
    std::uint8_t options = 0;           // of the latest SUBSCRIBE (Event::sub_options)
    std::uint32_t id = 0;               // of the latest SUBSCRIBE
    std::vector<std::uint32_t> ids{};   // every identifier it had in this holding
    std::int64_t held_since_ns = 0;     // the SUBSCRIBE that began this holding
    std::int64_t options_since_ns = 0;  // the SUBSCRIBE that set options and id as they are
    std::int64_t acked_ns = kNever;     // latest SUBACK; kNever while one is pending
    std::int64_t ended_ns = kNever;     // UNSUBSCRIBE or refusal; kNever while held
    bool replay_again = false;          // a re-SUBSCRIBE in this holding had Retain Handling 0
  };
  struct Times {
    std::int64_t published_ns = -1;
    std::int64_t acked_ns = -1;
  };
  // What one message's deliveries to one client carried and owed (identifiers).
  struct IdsOwed {
    history::Event first;
    std::vector<std::uint32_t> owed;
    std::vector<std::uint32_t> carried;
    int copies = 0;
  };

  void on_subscribe(const history::Event& event);
  void on_delivered(const history::Event& event, const history::History& history);
  Subscription* find(std::uint32_t client, std::uint32_t filter);
  Times times(history::MessageId id) const;
  void report(const char* invariant, const char* spec, const history::Event& event,
              const history::History& history, const std::string& detail = {});

  std::unordered_map<std::uint32_t, std::vector<Subscription>> clients_;
  std::vector<std::vector<Times>> published_;  // by publisher, by seq - 1
  // Replays seen in the current holding, by (client, message key).
  std::map<std::pair<std::uint32_t, std::uint64_t>, std::int64_t> replayed_;
  std::map<std::pair<std::uint32_t, std::uint64_t>, IdsOwed> ids_owed_;
  const history::History* history_ = nullptr;
  Counts counts_;
  ViolationLog log_;
};

}  // namespace mqttbed::check
