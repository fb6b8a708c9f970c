// Retained messages (MQTT 3.1.1 §3.3.1.3): the latest retained message per topic, and the
// lookup a new subscription uses to receive every retained message its filter matches.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "sim/mqtt/message.h"

namespace mqttbed::mqtt {

class RetainedStore {
 public:
  // Stores `message` as the topic's retained message, replacing the previous one
  // (MQTT-3.3.1-5); an empty payload removes it and is not stored (MQTT-3.3.1-10/-11).
  void update(const Message& message);

  // Every retained message whose topic matches `filter` (a valid filter), in topic order,
  // with RETAIN=1 as a new subscription receives them (MQTT-3.3.1-6, MQTT-3.3.1-8).
  std::vector<Message> matching(const std::string& filter) const;

  const Message* find(const std::string& topic) const;
  std::size_t size() const { return messages_.size(); }
  void clear() { messages_.clear(); }

 private:
  std::map<std::string, Message> messages_;  // by topic, ordered for prefix scans
};

}  // namespace mqttbed::mqtt
