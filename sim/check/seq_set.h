// A set of a publisher's message sequence numbers as a sliding bitmap: one bit per seq in
// the range seen, which is what "was this message delivered here before?" costs at scale.
#pragma once

#include <cstdint>
#include <vector>

namespace mqttbed::check {

class SeqSet {
 public:
  // Adds `seq`; true if it was not there yet.
  bool insert(std::uint64_t seq) {
    const std::uint64_t word = seq / 64;
    if (words_.empty()) {
      first_word_ = word;
    } else if (word < first_word_) {
      words_.insert(words_.begin(), first_word_ - word, 0);
      first_word_ = word;
    }
    if (word - first_word_ >= words_.size()) words_.resize(word - first_word_ + 1, 0);
    std::uint64_t& bits = words_[word - first_word_];
    const std::uint64_t mask = std::uint64_t{1} << (seq % 64);
    const bool added = (bits & mask) == 0;
    bits |= mask;
    return added;
  }

  bool contains(std::uint64_t seq) const {
    const std::uint64_t word = seq / 64;
    if (words_.empty() || word < first_word_ || word - first_word_ >= words_.size()) {
      return false;
    }
    return (words_[word - first_word_] >> (seq % 64)) & 1;
  }

 private:
  std::uint64_t first_word_ = 0;
  std::vector<std::uint64_t> words_;
};

// Key of a (client, client) pair, e.g. (subscriber, publisher).
inline std::uint64_t pair_key(std::uint32_t a, std::uint32_t b) {
  return (std::uint64_t{a} << 32) | b;
}

}  // namespace mqttbed::check
