// The payload envelope: a few bytes the runtime clients put in front of every payload they
// publish (wills included) so a message's identity survives any real broker unchanged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mqttbed::history::envelope {

// Layout: magic 0x1E, version/flags byte (0x10 | will<<0 | qos<<1), seq as LEB128 varint,
// publisher length (1 byte, 1..255), publisher id bytes, check byte (a hash of everything
// before it), then the application payload untouched. 0x1E (ASCII record separator) never
// starts JSON or text payloads, and the check byte rejects most accidental look-alikes.
struct Decoded {
  std::string publisher;     // the publishing client's id
  std::uint64_t seq = 0;     // per-publisher sequence number, >= 1
  bool is_will = false;      // the message is the publisher's last will
  int qos = 0;               // the QoS the publisher sent with
  std::string_view payload;  // the application payload (a view into the decoded bytes)
};

// Throws std::invalid_argument when publisher is empty or longer than 255 bytes, seq is 0
// or qos is not 0..2.
std::string encode(std::string_view publisher, std::uint64_t seq, std::string_view payload,
                   int qos = 0, bool is_will = false);

// The bytes encode() puts in front of the payload, and the most it can for this publisher
// (the seq varint grows to 10 bytes).
std::size_t overhead_bytes(std::string_view publisher, std::uint64_t seq);
std::size_t max_overhead_bytes(std::string_view publisher);

// std::nullopt for a payload without a valid envelope ("foreign": deliver it as-is).
std::optional<Decoded> decode(std::string_view bytes);

// The application payload: stripped of a valid envelope, else `bytes` unchanged.
std::string_view strip(std::string_view bytes);

}  // namespace mqttbed::history::envelope
