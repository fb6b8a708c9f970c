// Shares, their members and the round-robin choice of a member.
#include "sim/mqtt/shared_subscriptions.h"

#include <algorithm>

#include "sim/mqtt/topic.h"

namespace mqttbed::mqtt {

void SharedSubscriptions::add(const std::string& group, const std::string& filter,
                              std::uint64_t session, std::uint8_t granted_qos) {
  auto& members = shares_[{group, filter}].members;
  auto it = std::find_if(members.begin(), members.end(),
                         [session](const Member& m) { return m.session == session; });
  if (it != members.end()) {
    it->granted_qos = granted_qos;  // a SUBSCRIBE to a held filter replaces it (MQTT-3.8.4-3)
  } else {
    members.push_back({session, granted_qos});
  }
}

bool SharedSubscriptions::remove(const std::string& group, const std::string& filter,
                                 std::uint64_t session) {
  auto share = shares_.find({group, filter});
  if (share == shares_.end()) return false;
  auto& members = share->second.members;
  const auto removed =
      std::erase_if(members, [session](const Member& m) { return m.session == session; });
  if (members.empty()) shares_.erase(share);
  return removed != 0;
}

void SharedSubscriptions::choose(const std::string& topic,
                                 const std::function<bool(std::uint64_t)>& connected,
                                 const std::function<void(const Member&)>& send) {
  for (auto& [key, share] : shares_) {
    if (!topic_matches(key.second, topic)) continue;
    const std::size_t count = share.members.size();
    std::size_t pick = share.next % count;
    for (std::size_t i = 0; i < count; ++i) {
      const std::size_t at = (share.next + i) % count;
      if (connected(share.members[at].session)) {
        pick = at;
        break;
      }
    }
    share.next = pick + 1;
    send(share.members[pick]);
  }
}

void SharedSubscriptions::every_member(const std::string& topic,
                                       const std::function<void(const Member&)>& send) const {
  for (const auto& [key, share] : shares_) {
    if (!topic_matches(key.second, topic)) continue;
    for (const Member& member : share.members) send(member);
  }
}

}  // namespace mqttbed::mqtt
