// A set of a publisher's message sequence numbers: 64-seq bitmap words kept sorted, only
// the words that hold a member. A subscriber often sees a sparse slice of a publisher's seqs
// (a light gets a few of the shadow service's millions), so a dense bitmap over the whole
// range would cost the range, not the members. Members mostly arrive in increasing order:
// appending is the fast path.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/history/event.h"

namespace mqttbed::check {

class SeqSet {
 public:
  // Adds `seq`; true if it was not there yet.
  bool insert(std::uint64_t seq) {
    const std::uint64_t word = seq / 64;
    const std::uint64_t mask = std::uint64_t{1} << (seq % 64);
    if (words_.empty() || words_.back().first < word) {
      words_.emplace_back(word, mask);
      return true;
    }
    auto it = find_word(word);
    if (it == words_.end() || it->first != word) {
      words_.insert(it, {word, mask});
      return true;
    }
    const bool added = (it->second & mask) == 0;
    it->second |= mask;
    return added;
  }

  bool contains(std::uint64_t seq) const {
    const std::uint64_t word = seq / 64;
    auto it = std::lower_bound(words_.begin(), words_.end(), word,
                               [](const auto& entry, std::uint64_t w) { return entry.first < w; });
    return it != words_.end() && it->first == word && ((it->second >> (seq % 64)) & 1) != 0;
  }

 private:
  std::vector<std::pair<std::uint64_t, std::uint64_t>>::iterator find_word(std::uint64_t word) {
    if (words_.back().first == word) return words_.end() - 1;
    return std::lower_bound(words_.begin(), words_.end(), word,
                            [](const auto& entry, std::uint64_t w) { return entry.first < w; });
  }

  std::vector<std::pair<std::uint64_t, std::uint64_t>> words_;  // (seq / 64, bits), sorted
};

// Key of a message identity (publisher, seq) in the checkers' per-message maps.
inline std::uint64_t message_key(history::MessageId id) {
  return (std::uint64_t{id.publisher} << 40) ^ id.seq;
}

// Key of a (client, client) pair, e.g. (subscriber, publisher).
inline std::uint64_t pair_key(std::uint32_t a, std::uint32_t b) {
  return (std::uint64_t{a} << 32) | b;
}

}  // namespace mqttbed::check
