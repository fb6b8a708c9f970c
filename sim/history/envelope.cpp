#include "sim/history/envelope.h"

#include <stdexcept>

namespace mqttbed::history::envelope {
namespace {

constexpr unsigned char kMagic = 0x1E;
constexpr unsigned char kVersion = 0x10;  // high nibble: format version 1
constexpr unsigned char kWillFlag = 0x01;
constexpr std::size_t kMaxVarintBytes = 10;

// FNV-1a folded to one byte: cheap, and any single changed byte changes it.
unsigned char check_byte(std::string_view header) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : header) hash = (hash ^ c) * 16777619u;
  return static_cast<unsigned char>(hash ^ (hash >> 8) ^ (hash >> 16) ^ (hash >> 24));
}

void put_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

// Reads a varint at `pos`; false when truncated, overlong or overflowing 64 bits.
bool get_varint(std::string_view bytes, std::size_t& pos, std::uint64_t& value) {
  value = 0;
  for (std::size_t i = 0; i < kMaxVarintBytes; ++i) {
    if (pos >= bytes.size()) return false;
    const auto byte = static_cast<unsigned char>(bytes[pos++]);
    if (i == kMaxVarintBytes - 1 && byte > 1) return false;
    value |= static_cast<std::uint64_t>(byte & 0x7F) << (7 * i);
    if ((byte & 0x80) == 0) return !(byte == 0 && i > 0);  // reject overlong encodings
  }
  return false;
}

}  // namespace

std::size_t overhead_bytes(std::string_view publisher, std::uint64_t seq) {
  std::size_t varint = 1;
  while (seq >= 0x80) {
    seq >>= 7;
    ++varint;
  }
  return 2 + varint + 1 + publisher.size() + 1;  // magic, flags, seq, length, id, check byte
}

std::size_t max_overhead_bytes(std::string_view publisher) {
  return 2 + kMaxVarintBytes + 1 + publisher.size() + 1;
}

std::string encode(std::string_view publisher, std::uint64_t seq, std::string_view payload, int qos,
                   bool is_will) {
  if (publisher.empty() || publisher.size() > 255) {
    throw std::invalid_argument("envelope: publisher id must be 1..255 bytes");
  }
  if (seq == 0) throw std::invalid_argument("envelope: seq must be >= 1");
  if (qos < 0 || qos > 2) throw std::invalid_argument("envelope: qos must be 0..2");
  std::string out;
  out.reserve(4 + kMaxVarintBytes + publisher.size() + payload.size());
  out.push_back(static_cast<char>(kMagic));
  out.push_back(static_cast<char>(kVersion | (is_will ? kWillFlag : 0) | (qos << 1)));
  put_varint(out, seq);
  out.push_back(static_cast<char>(publisher.size()));
  out.append(publisher);
  out.push_back(static_cast<char>(check_byte(out)));
  out.append(payload);
  return out;
}

std::optional<Decoded> decode(std::string_view bytes) {
  if (bytes.size() < 5 || static_cast<unsigned char>(bytes[0]) != kMagic) return std::nullopt;
  const auto flags = static_cast<unsigned char>(bytes[1]);
  if ((flags & 0xF0) != kVersion || (flags & 0x08) != 0 || ((flags >> 1) & 0x03) == 3) {
    return std::nullopt;
  }
  std::size_t pos = 2;
  Decoded decoded;
  if (!get_varint(bytes, pos, decoded.seq) || decoded.seq == 0) return std::nullopt;
  if (pos >= bytes.size()) return std::nullopt;
  const auto length = static_cast<unsigned char>(bytes[pos++]);
  if (length == 0 || bytes.size() - pos < static_cast<std::size_t>(length) + 1) {
    return std::nullopt;
  }
  decoded.publisher.assign(bytes.substr(pos, length));
  pos += length;
  if (static_cast<unsigned char>(bytes[pos]) != check_byte(bytes.substr(0, pos))) {
    return std::nullopt;
  }
  decoded.is_will = (flags & kWillFlag) != 0;
  decoded.qos = (flags >> 1) & 0x03;
  decoded.payload = bytes.substr(pos + 1);
  return decoded;
}

std::string_view strip(std::string_view bytes) {
  auto decoded = decode(bytes);
  return decoded ? decoded->payload : bytes;
}

}  // namespace mqttbed::history::envelope
