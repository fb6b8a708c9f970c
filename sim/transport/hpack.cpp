#include "sim/transport/hpack.h"

#include <array>

namespace mqttbed::transport {

namespace {

struct StaticEntry {
  std::uint64_t index;
  const char* name;
  const char* value;
};

// The entries of the static table (RFC 7541 Appendix A) these messages use.
constexpr std::array<StaticEntry, 14> kStatic{{
    {1, ":authority", ""},
    {2, ":method", "GET"},
    {3, ":method", "POST"},
    {4, ":path", "/"},
    {7, ":scheme", "https"},
    {8, ":status", "200"},
    {9, ":status", "204"},
    {19, "accept", ""},
    {28, "content-length", ""},
    {31, "content-type", ""},
    {33, "date", ""},
    {54, "server", ""},
    {58, "user-agent", ""},
    {61, "www-authenticate", ""},
}};
constexpr std::uint64_t kStaticTableLength = 61;

std::uint64_t string_bytes(const std::string& text) {
  return hpack_integer_bytes(text.size(), 7) + text.size();
}

}  // namespace

std::uint64_t hpack_integer_bytes(std::uint64_t value, int prefix_bits) {
  const std::uint64_t limit = (1u << prefix_bits) - 1;
  if (value < limit) return 1;
  std::uint64_t bytes = 1;
  value -= limit;
  while (value >= 128) {
    value /= 128;
    ++bytes;
  }
  return bytes + 1;
}

std::uint64_t HpackEncoder::encode(const HeaderList& headers) {
  std::uint64_t bytes = 0;
  for (const auto& [name, value] : headers) {
    std::uint64_t full = 0;
    std::uint64_t name_only = 0;
    for (const auto& entry : kStatic) {
      if (name != entry.name) continue;
      if (value == entry.value) full = entry.index;
      if (name_only == 0) name_only = entry.index;
    }
    for (std::size_t i = 0; i < dynamic_.size() && full == 0; ++i) {
      if (dynamic_[i].first != name) continue;
      std::uint64_t index = kStaticTableLength + 1 + i;
      if (dynamic_[i].second == value) full = index;
      if (name_only == 0) name_only = index;
    }
    if (full != 0) {
      bytes += hpack_integer_bytes(full, 7);
      continue;
    }
    bytes += name_only != 0 ? hpack_integer_bytes(name_only, 6) : 1 + string_bytes(name);
    bytes += string_bytes(value);
    insert(name, value);
  }
  return bytes;
}

void HpackEncoder::insert(const std::string& name, const std::string& value) {
  const std::uint64_t entry = name.size() + value.size() + 32;  // §4.1
  while (!dynamic_.empty() && size_ + entry > capacity_) {
    size_ -= dynamic_.back().first.size() + dynamic_.back().second.size() + 32;
    dynamic_.pop_back();
  }
  if (entry > capacity_) return;  // §4.4: an entry larger than the table empties it
  dynamic_.emplace_front(name, value);
  size_ += entry;
}

}  // namespace mqttbed::transport
