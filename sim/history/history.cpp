#include "sim/history/history.h"

namespace mqttbed::history {

History::History() {
  clients_.emplace_back();
  client_index_.emplace("", 0);
  strings_.emplace_back();
  string_index_.emplace("", 0);
}

std::uint32_t History::client_id(const std::string& name) {
  auto [it, inserted] = client_index_.try_emplace(name, static_cast<std::uint32_t>(clients_.size()));
  if (inserted) clients_.push_back(name);
  return it->second;
}

std::uint32_t History::string_id(const std::string& text) {
  auto [it, inserted] = string_index_.try_emplace(text, static_cast<std::uint32_t>(strings_.size()));
  if (inserted) strings_.push_back(text);
  return it->second;
}

void History::append(const Event& event) {
  ++count_;
  for (const auto& observer : observers_) observer(event);
}

}  // namespace mqttbed::history
