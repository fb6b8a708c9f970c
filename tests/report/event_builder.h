// Test helper: builds history events by client name, so tests read like a run's log.
#pragma once

#include <chrono>
#include <string>

#include "sim/history/event.h"
#include "sim/history/history.h"

namespace mqttbed::report::testing {

constexpr std::int64_t kMs = 1'000'000;

class EventBuilder {
 public:
  explicit EventBuilder(history::History& history) : history_(history) {}

  history::Event connack(std::int64_t t, const std::string& client, int code = 0) {
    history::Event e = base(t, history::EventType::connack, client);
    e.code = code;
    return e;
  }
  history::Event lost(std::int64_t t, const std::string& client) {
    return base(t, history::EventType::connection_lost, client);
  }
  history::Event disconnect(std::int64_t t, const std::string& client) {
    return base(t, history::EventType::disconnect_sent, client);
  }
  history::Event publish(std::int64_t t, const std::string& client, std::uint64_t seq, int qos,
                         std::uint32_t bytes = 10) {
    history::Event e = base(t, history::EventType::publish_sent, client);
    e.qos = static_cast<std::uint8_t>(qos);
    e.msg = {history_.client_id(client), seq};
    e.bytes = bytes;
    return e;
  }
  history::Event deliver(std::int64_t t, const std::string& subscriber,
                         const std::string& publisher, std::uint64_t seq, int qos,
                         std::uint32_t bytes = 10) {
    history::Event e = base(t, history::EventType::delivered, subscriber);
    e.qos = static_cast<std::uint8_t>(qos);
    e.msg = {history_.client_id(publisher), seq};
    e.bytes = bytes;
    return e;
  }

 private:
  history::Event base(std::int64_t t, history::EventType type, const std::string& client) {
    history::Event e;
    e.time_ns = t;
    e.type = type;
    e.client = history_.client_id(client);
    e.topic = history_.string_id("t");
    return e;
  }

  history::History& history_;
};

}  // namespace mqttbed::report::testing
