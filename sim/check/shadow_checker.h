// Device shadows (AWS IoT Device Shadow over MQTT): versions strictly increase per thing, a
// rejected update changes nothing, and once faults heal the reported state converges to the
// desired one.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/violation_log.h"

namespace mqttbed::check {

// Reads the JSON the recorder keeps for "$aws/things/" topics (published by the shadow
// service, or delivered to anyone). Not MQTT rules but the shadow service's contract
// (https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-data-flow.html);
// every rule holds per shadow, a named shadow ("thing/name") being a shadow of its own:
//  - per thing, two different update/accepted (or update/documents) messages never carry the
//    same version, and each subscriber's first deliveries of them have increasing versions
//    (when the declared broker promises order, CheckContext::broker_ordering);
//  - a rejected update changes nothing: each update/documents message's "previous" is the
//    "current" of the one before it (same version and state), so nothing but accepted
//    updates changed the document in between;
//  - versions grow by one per accepted update: each update/documents has current.version ==
//    previous.version + 1, also across a delete (AWS counts on from the deleted version);
//  - answers match requests: an answer's clientToken is that of an earlier request of the
//    same shadow and operation, and an answer without one answers a request without one;
//  - an update/accepted answers a request whose version was absent or the current one
//    (accepted version == requested + 1); a 409 answers a request whose version was not the
//    current one; a request whose state alone is over kAwsShadowStateLimitBytes is not
//    accepted (413);
//  - after delete/accepted the shadow is empty, so the next update/documents's previous
//    holds no state;
//  - the latest document of each thing has reported equal to desired (no delta) at the end,
//    unless desired last changed after the settle window began (then indeterminate).
// AWS: "The device's shadow supports 8 KB of data only" (desired and reported, metadata not
// counted): https://docs.aws.amazon.com/iot/latest/developerguide/diagnosing-shadows.html.
// The checker holds the published value itself: it judges the contract, not our service.
inline constexpr std::size_t kAwsShadowStateLimitBytes = 8 * 1024;

class ShadowChecker : public Checker {
 public:
  const char* name() const override { return "shadow"; }
  void observe(const history::Event& event, const history::History& history) override;
  Verdict finish(const CheckContext& context) override;

 private:
  // A version as one message carried it. The text's hash, not the text: at 100,000 devices
  // the documents themselves were the checkers' largest state (~16 KB a thing).
  struct VersionUse {
    std::int64_t key = 0;         // version * 2, + 1 on the documents channel
    std::uint64_t text_hash = 0;  // the same text again is a redelivery, other text a reuse
    history::MessageId msg;       // the first message that carried it
    std::int64_t time_ns = 0;     // when it was first seen
  };

  // A request to a shadow, as its publisher sent it.
  struct Request {
    std::uint64_t token_hash = 0;
    std::int64_t version = -1;   // -1: none (an update without a version, a get, a delete)
    std::uint8_t operation = 0;  // 0 update, 1 get, 2 delete
    bool oversize = false;       // its state alone is over the limit (surely refused)
  };

  struct Thing {
    std::vector<VersionUse> versions;  // the most recent kVersionsKept, sorted by key
    std::vector<Request> requests;     // the most recent kRequestsKept, oldest first
    bool requests_evicted = false;     // an older request may be missing from `requests`
    std::uint8_t tokenless = 0;        // bit per operation: a request without clientToken seen
    nlohmann::json current;            // "current" of the latest update/documents message
    std::int64_t latest_version = 0;
    nlohmann::json desired = nlohmann::json::object();
    nlohmann::json reported = nlohmann::json::object();
    std::int64_t desired_changed_ns = 0;
    history::Event latest;  // the event that carried the latest document
  };

  void on_versioned(Thing& thing, const std::string& key, std::int64_t version,
                    const history::Event& event, const history::History& history);
  void on_document(Thing& thing, const std::string& key, const nlohmann::json& documents,
                   std::int64_t version, const history::Event& event,
                   const history::History& history);
  void on_request(Thing& thing, std::uint8_t operation, const nlohmann::json& request);
  void on_answer(Thing& thing, const std::string& key, std::uint8_t operation, bool accepted,
                 const nlohmann::json& answer, const history::Event& event,
                 const history::History& history);
  void on_delete(Thing& thing, const nlohmann::json& answer);
  void report(const char* invariant, const std::string& thing, const history::Event& event,
              const history::History& history, std::string note,
              ViolationLog* into = nullptr);  // nullptr: log_

  const history::History* history_ = nullptr;
  std::unordered_map<std::string, Thing> things_;
  // (subscriber, thing, channel) -> highest version first-delivered there.
  std::unordered_map<std::string, std::int64_t> seen_;
  Counts counts_;
  ViolationLog log_;
  ViolationLog order_log_;  // versions seen out of order, judged at finish (CheckContext)
  std::uint64_t out_of_order_ = 0;
};

}  // namespace mqttbed::check
