// Shared subscriptions (MQTT 5 §4.8.2): a message matching a share ($share/{group}/{filter})
// goes to one member of the group, at no more than that member's granted QoS.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/client_sessions.h"
#include "sim/check/fault_state.h"
#include "sim/check/violation_log.h"

namespace mqttbed::check {

// A share is (ShareName, filter); its members are the clients holding a granted
// "$share/{group}/{filter}" (from SUBACK to UNSUBSCRIBE or the session's end). For every
// message published on a topic a share's filter matches while it has members:
//  - at most one member receives it (§4.8.2: "each message ... is only sent to one of the
//    Sessions"). The spec lets a server send a QoS 1 message again to another member once it
//    lost its connection to the first before the PUBACK (§4.8.2), so a second member's copy
//    is a violation only if the first received it at QoS 0 or 2 (MQTT-4.8.2-4/-5: a QoS 2
//    delivery is finished with that client), or at QoS 1 and kept that connection, untouched
//    by faults, until the second copy arrived. A QoS 1 publisher whose connection broke
//    before its PUBACK resends the PUBLISH (MQTT-4.4.0-1), which the server takes as a new
//    publication (MQTT-4.3.2-5): a second copy after such a break is not judged either;
//  - a member's copy is at most min(publish QoS, its granted QoS) (MQTT-4.8.2-3);
//  - an acknowledged QoS 1/2 message without Message Expiry reaches one member when every
//    member present at the publish kept its connection to the end and the broker did not
//    crash (MQTT-4.5.0-1): `lost` otherwise. A member that went away may hold it queued in
//    its session, or the server may give it to another (§4.8.2 SHOULD): not judged.
// What §4.8.2 leaves open is not judged: which member gets a message, the balance between
// members, and where a QoS 1 message goes after its member's session ends.
// A delivery to a client that also holds a plain subscription matching the topic, or that is
// a member of two matching shares, cannot be attributed and is not counted.
class SharedSubscriptionsChecker : public Checker {
 public:
  explicit SharedSubscriptionsChecker(
      std::shared_ptr<ClientSessions> sessions = std::make_shared<ClientSessions>())
      : sessions_(std::move(sessions)) {}
  const char* name() const override { return "shared_subscriptions"; }
  void observe(const history::Event& event, const history::History& history) override;
  Verdict finish(const CheckContext& context) override;

 private:
  struct Share {
    std::string group;
    std::string filter;
    std::uint32_t shared_filter = 0;     // string id of "$share/{group}/{filter}"
    std::vector<std::uint32_t> clients;  // every client that ever joined
    std::vector<std::uint8_t> granted;   // by position in clients: its last granted QoS
  };
  struct Copy {
    history::Event delivery;
    std::uint32_t connection = 0;  // the member's connection epoch when it arrived
  };
  struct Track {  // one message on one share
    std::size_t share = 0;
    history::Event publish;
    bool acked = false;
    std::uint32_t publisher_connection = 0;  // the publisher's connection epoch at the publish
    std::vector<SubscriberMark> members;     // at the publish
    std::vector<Copy> copies;                // first copy per member, in arrival order
  };

  void on_suback(const history::Event& event, const history::History& history);
  void on_publish(const history::Event& event, const history::History& history);
  void on_delivered(const history::Event& event, const history::History& history);
  bool holds(std::uint32_t client, const Share& share) const;
  void report(const char* invariant, const char* spec, const Track& track,
              const std::vector<const history::Event*>& events, std::uint32_t client);

  const history::History* history_ = nullptr;
  std::shared_ptr<ClientSessions> sessions_;
  FaultState faults_;
  std::vector<Share> shares_;
  std::map<std::pair<std::string, std::string>, std::size_t> share_index_;
  std::unordered_map<std::uint64_t, std::vector<Track>> tracks_;  // by message identity
  Counts counts_;
  ViolationLog log_;
};

}  // namespace mqttbed::check
