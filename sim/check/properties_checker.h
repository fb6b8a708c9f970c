// MQTT 5 message properties the server forwards unaltered (§3.3.2.3) and the request /
// response pattern built on them (§4.10).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/violation_log.h"

namespace mqttbed::check {

// Every delivery, to an MQTT 5 subscriber, of a message published with properties carries
// them as published: the Response Topic (MQTT-3.3.2-15), the Correlation Data
// (MQTT-3.3.2-16), every User Property (MQTT-3.3.2-17) and in the same order
// (MQTT-3.3.2-18). Retained replays included: the server keeps the whole message.
// Request / response (§4.10): a request is a PUBLISH with a Response Topic and Correlation
// Data; a delivery to the requester on that Response Topic is a response, and
//  - its Correlation Data is that of one of the requester's requests on that topic: the
//    responder echoes what it was given (§4.10.2), and the server changed neither on the way
//    there nor back (MQTT-3.3.2-16);
//  - each request is answered at most once (a second distinct response to one request).
// A request that gets no answer is not judged: the responder may be away.
class PropertiesChecker : public Checker {
 public:
  const char* name() const override { return "properties"; }
  void observe(const history::Event& event, const history::History& history) override;
  Verdict finish(const CheckContext& context) override;

 private:
  struct Request {
    history::Event publish;
    std::uint64_t answered_by = 0;  // message key of its first response, 0 = none yet
  };
  void on_publish(const history::Event& event, const history::History& history);
  void on_delivered(const history::Event& event, const history::History& history);
  void answer(const history::Event& event, const history::History& history);
  void report(const char* invariant, const char* spec, const history::Event& publish,
              const history::Event& delivery, const history::History& history);

  std::vector<bool> v5_;  // by client: its last CONNECT was MQTT 5
  std::unordered_map<std::uint64_t, history::Event> sent_;  // publishes with properties
  // (requester, response topic id, correlation data) -> its request
  std::map<std::tuple<std::uint32_t, std::string, std::string>, Request> requests_;
  std::vector<std::vector<std::string>> response_topics_;  // by requester
  Counts counts_;
  ViolationLog log_;
};

}  // namespace mqttbed::check
