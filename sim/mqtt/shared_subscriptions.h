// MQTT 5 Shared Subscriptions (§4.8.2): the shares a server holds, each a (ShareName, filter)
// with its member sessions, and the choice of the one member that gets a matching message.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mqttbed::mqtt {

class SharedSubscriptions {
 public:
  struct Member {
    std::uint64_t session = 0;
    std::uint8_t granted_qos = 0;
  };

  // Adds or updates `session`'s membership of the share (group, filter).
  void add(const std::string& group, const std::string& filter, std::uint64_t session,
           std::uint8_t granted_qos);
  // False if `session` held no such share.
  bool remove(const std::string& group, const std::string& filter, std::uint64_t session);
  void clear() { shares_.clear(); }

  // For each share whose filter matches `topic`: the one member to send to. §4.8.2 leaves
  // the choice to the server; this one goes round the members in turn, skipping those
  // `connected` says are offline while any member is online (an offline one with a
  // persistent session gets it queued, which the spec allows).
  void choose(const std::string& topic, const std::function<bool(std::uint64_t)>& connected,
              const std::function<void(const Member&)>& send);
  // Every member of every share matching `topic` (Mutation::share_to_all).
  void every_member(const std::string& topic, const std::function<void(const Member&)>& send) const;

 private:
  struct Share {
    std::vector<Member> members;  // in joining order
    std::size_t next = 0;         // round-robin cursor
  };
  std::map<std::pair<std::string, std::string>, Share> shares_;  // by (group, filter)
};

}  // namespace mqttbed::mqtt
