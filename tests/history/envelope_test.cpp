// The payload envelope: identity round-trips, and garbage is never mistaken for an envelope.
#include "sim/history/envelope.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace mqttbed::history::envelope {
namespace {

TEST(Envelope, RoundTripsIdentityAndPayload) {
  const std::string bytes = encode("acct1-home0-light1", 300, "{\"on\":true}", 2, true);
  auto decoded = decode(bytes);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->publisher, "acct1-home0-light1");
  EXPECT_EQ(decoded->seq, 300u);
  EXPECT_EQ(decoded->qos, 2);
  EXPECT_TRUE(decoded->is_will);
  EXPECT_EQ(decoded->payload, "{\"on\":true}");
}

TEST(Envelope, CostsAFewBytesPlusTheClientId) {
  const std::string id = "h0.sensor3";
  EXPECT_LE(encode(id, 1, "").size(), id.size() + 5);
  EXPECT_LE(encode(id, 1u << 30, "").size(), id.size() + 9);
}

// What a device counts so that a payload at the broker's limit stays within it.
TEST(Envelope, OverheadIsExactlyWhatEncodeAddsAndNeverAboveTheMaximum) {
  const std::string id = "acct12-home12-sensor1";
  for (std::uint64_t seq : {1ull, 127ull, 128ull, 1ull << 30, ~0ull}) {
    EXPECT_EQ(encode(id, seq, "abc").size(), overhead_bytes(id, seq) + 3) << seq;
    EXPECT_LE(overhead_bytes(id, seq), max_overhead_bytes(id)) << seq;
  }
  EXPECT_EQ(overhead_bytes(id, ~0ull), max_overhead_bytes(id));
}

TEST(Envelope, KeepsEmptyAndBinaryPayloads) {
  const std::string binary("\x00\x1e\xff\x10", 4);
  EXPECT_EQ(decode(encode("c", 1, ""))->payload, "");
  EXPECT_EQ(decode(encode("c", 7, binary))->payload, binary);
  EXPECT_EQ(decode(encode("c", UINT64_MAX, "x"))->seq, UINT64_MAX);
}

TEST(Envelope, PlainPayloadsAreForeign) {
  EXPECT_FALSE(decode("").has_value());
  EXPECT_FALSE(decode("{\"seq\":1}").has_value());
  EXPECT_FALSE(decode("hello world").has_value());
  EXPECT_EQ(strip("hello"), "hello");
}

TEST(Envelope, EveryTruncationIsForeign) {
  const std::string bytes = encode("client-7", 123456, "");
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(decode(bytes.substr(0, n)).has_value()) << "prefix of " << n << " bytes";
  }
}

TEST(Envelope, AnyChangedHeaderByteIsRejected) {
  const std::string bytes = encode("client-7", 99, "payload");
  const std::size_t header = bytes.size() - 7;
  for (std::size_t i = 0; i < header; ++i) {
    for (int delta : {1, 0x40, 0x80}) {
      std::string changed = bytes;
      changed[i] = static_cast<char>(changed[i] + delta);
      auto decoded = decode(changed);
      if (decoded) {
        // Only acceptable if the change still spells out the very same identity.
        EXPECT_EQ(decoded->publisher, "client-7");
        EXPECT_EQ(decoded->seq, 99u);
      }
    }
  }
}

TEST(Envelope, RandomGarbageAfterMagicIsAlmostNeverAccepted) {
  std::mt19937_64 rng(42);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string garbage(1 + rng() % 40, '\0');
    for (char& c : garbage) c = static_cast<char>(rng());
    garbage[0] = 0x1E;
    if (i % 2 == 0 && garbage.size() > 1) garbage[1] = 0x10;
    if (auto decoded = decode(garbage)) {
      ++accepted;
      EXPECT_GE(decoded->seq, 1u);
      EXPECT_FALSE(decoded->publisher.empty());
    }
  }
  EXPECT_LT(accepted, 100);  // the check byte lets through about 1 in 256 well-formed ones
}

TEST(Envelope, RejectsInvalidIdentity) {
  EXPECT_THROW(encode("", 1, "x"), std::invalid_argument);
  EXPECT_THROW(encode(std::string(256, 'a'), 1, "x"), std::invalid_argument);
  EXPECT_THROW(encode("c", 0, "x"), std::invalid_argument);
  EXPECT_THROW(encode("c", 1, "x", 3), std::invalid_argument);
}

}  // namespace
}  // namespace mqttbed::history::envelope
