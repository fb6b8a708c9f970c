// A history's events as a self-contained stream of batches: each batch also carries the
// client names and strings interned since the one before and the text of its transient
// strings, so a replica History (on another thread) is rebuilt with the same ids and its
// observers see what the source's would have.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/history/event.h"
#include "sim/history/history.h"

namespace mqttbed::history {

struct FeedBatch {
  std::size_t first_client = 1;         // the id of clients[0]
  std::vector<std::string> clients;     // names interned since the last batch, in id order
  std::size_t first_string = 1;         // the id of strings[0]
  std::vector<std::string> strings;     // strings interned since the last batch, in id order
  std::vector<std::string> transients;  // one per event whose detail is a transient string
  std::vector<Event> events;
};

// The source side: collects events of `source` (an observer of it) into batches.
class HistoryFeed {
 public:
  explicit HistoryFeed(const History& source) : source_(source) {}
  void add(const Event& event);
  std::size_t pending() const { return batch_.events.size(); }
  // The events added since the last take(), with every name and string interned up to now.
  FeedBatch take();

 private:
  const History& source_;
  FeedBatch batch_;
  std::size_t clients_sent_ = 1;  // id 0 ("") exists in every History
  std::size_t strings_sent_ = 1;
};

// The replica side: adds the batch's names to `replica` (so they get the source's ids) and
// appends its events, calling the replica's observers. Throws std::logic_error if
// `replica` was not fed every batch of one feed in order.
void replay(FeedBatch&& batch, History& replica);

}  // namespace mqttbed::history
