// HPACK (RFC 7541) header-block sizes, as an encoder that indexes every field: a field
// already in the static or dynamic table costs one Indexed Header Field (§6.1), any other
// a Literal with Incremental Indexing (§6.2.1) that enters the dynamic table (§4, evicting
// oldest entries beyond its size). String literals are counted without Huffman coding
// (§5.2, H = 0): an upper bound; Huffman saves roughly a fifth on ASCII literals.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace mqttbed::transport {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Bytes of an HPACK integer with an N-bit prefix (§5.1).
std::uint64_t hpack_integer_bytes(std::uint64_t value, int prefix_bits);

class HpackEncoder {
 public:
  // SETTINGS_HEADER_TABLE_SIZE's default (RFC 9113 §6.5.2).
  explicit HpackEncoder(std::uint64_t table_size = 4096) : capacity_(table_size) {}
  // The header block's size; the dynamic table is updated as a decoder's would be.
  std::uint64_t encode(const HeaderList& headers);

 private:
  void insert(const std::string& name, const std::string& value);
  std::uint64_t capacity_;
  std::uint64_t size_ = 0;
  std::deque<std::pair<std::string, std::string>> dynamic_;  // newest first (§2.3.3)
};

}  // namespace mqttbed::transport
