#include "sim/history/history_feed.h"

#include <stdexcept>

namespace mqttbed::history {

void HistoryFeed::add(const Event& event) {
  if (History::is_transient(event.detail))
    batch_.transients.push_back(source_.string(event.detail));
  batch_.events.push_back(event);
}

FeedBatch HistoryFeed::take() {
  batch_.first_client = clients_sent_;
  batch_.first_string = strings_sent_;
  for (; clients_sent_ < source_.client_count(); ++clients_sent_)
    batch_.clients.push_back(source_.client_name(static_cast<std::uint32_t>(clients_sent_)));
  for (; strings_sent_ < source_.string_count(); ++strings_sent_)
    batch_.strings.push_back(source_.string(static_cast<std::uint32_t>(strings_sent_)));
  FeedBatch out = std::move(batch_);
  batch_ = FeedBatch{};
  return out;
}

void replay(FeedBatch&& batch, History& replica) {
  if (batch.first_client != replica.client_count() || batch.first_string != replica.string_count())
    throw std::logic_error("history replica out of step: a feed batch was skipped or repeated");
  for (std::string& name : batch.clients) replica.append_client_name(std::move(name));
  for (std::string& text : batch.strings) replica.append_string(std::move(text));
  auto transient = batch.transients.begin();
  for (Event& event : batch.events) {
    // The replica numbers its transient strings itself: only the text has to travel.
    if (History::is_transient(event.detail))
      event.detail = replica.transient_string_id(std::move(*transient++));
    replica.append(event);
  }
}

}  // namespace mqttbed::history
