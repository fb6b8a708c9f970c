// The subscription index: topic filters in a trie by level, so finding the subscribers of
// a topic costs the topic's depth, not the number of filters (scales to 1M filters).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace mqttbed::mqtt {

// Maps (filter, subscriber key) to a value (e.g. granted QoS); one value per pair.
template <typename Value>
class TopicTrie;  // defined in topic_trie_impl.h by its author; API:
//   bool insert(std::string_view filter, std::uint64_t key, Value value);   // true if new
//   bool erase(std::string_view filter, std::uint64_t key);                 // true if removed
//   void match(std::string_view topic,
//              const std::function<void(std::uint64_t key, const Value&)>& visit) const;
//              // every (key, value) whose filter matches topic; '$' rule applied
//   std::size_t size() const;                                               // pairs stored

}  // namespace mqttbed::mqtt
