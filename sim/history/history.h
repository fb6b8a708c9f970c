// The run's event bus: client-side events in time order, handed to observers (checkers,
// metrics, the JSON Lines writer) as they happen, so nothing needs the whole log in memory.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/history/event.h"

namespace mqttbed::history {

class History {
 public:
  using Observer = std::function<void(const Event&)>;

  History();

  // Stable small ids for client names and strings (topics, filters, details); 0 is "".
  std::uint32_t client_id(const std::string& name);
  std::uint32_t string_id(const std::string& text);
  const std::string& client_name(std::uint32_t id) const { return clients_[id]; }
  const std::string& string(std::uint32_t id) const {
    return is_transient(id) ? transient(id) : strings_[id];
  }
  // A string that is unique to one event (a shadow document, a long detail): observers see it
  // while the event is handed out, and for the next kTransientSlots such strings after; then
  // string(id) says it is no longer held. Keeps a 100k-device hour from interning millions
  // of one-off payloads.
  std::uint32_t transient_string_id(std::string text);
  static constexpr std::uint32_t kTransientSlots = 65536;
  // A replica's names (HistoryFeed): each takes the next id, without the lookup index, which
  // a replica never needs (it is read, not asked to intern) and would double its tables.
  void append_client_name(std::string name) { clients_.push_back(std::move(name)); }
  void append_string(std::string text) { strings_.push_back(std::move(text)); }
  std::size_t client_count() const { return clients_.size(); }
  std::size_t string_count() const { return strings_.size(); }  // transient ones aside
  static bool is_transient(std::uint32_t id) { return (id & kTransientBit) != 0; }

  // The next message sequence number of publisher `client` (1, 2, ...): kept here rather than
  // in a client so a message identity is never reused, even by a rebooted device's new client.
  std::uint64_t next_message_seq(std::uint32_t client);

  void add_observer(Observer observer) { observers_.push_back(std::move(observer)); }
  // Hands the event to every observer in the order they were added.
  void append(const Event& event);
  std::uint64_t size() const { return count_; }

 private:
  static constexpr std::uint32_t kTransientBit = 0x80000000u;
  std::vector<std::string> clients_;
  std::unordered_map<std::string, std::uint32_t> client_index_;
  const std::string& transient(std::uint32_t id) const;

  std::vector<std::string> strings_;
  std::vector<std::string> transient_;  // ring of kTransientSlots
  std::uint32_t transient_next_ = 0;    // ids count up modulo 2^31
  std::unordered_map<std::string, std::uint32_t> string_index_;
  std::vector<std::uint64_t> last_seq_;  // by client id
  std::vector<Observer> observers_;
  std::uint64_t count_ = 0;
};

}  // namespace mqttbed::history
