// The seq/total technique's two halves: splitting within a size, reassembling in any order.
#include "devices/chunked_upload.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace mqttbed::devices {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const std::string kContent = "abcdefghijklmnopqrstuvwxyz";

TEST(ChunkedUpload, ChunksCarryIdSeqTotalAndTheWholeHashWithinTheirSize) {
  const auto chunks = split_upload("gw-1", kContent, 10);
  ASSERT_EQ(chunks.size(), 3u);
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const json chunk = json::parse(chunks[i]);
    EXPECT_EQ(chunk["upload"], "gw-1");
    EXPECT_EQ(chunk["seq"], i + 1);
    EXPECT_EQ(chunk["total"], 3);
    EXPECT_EQ(chunk["sha"], content_hash(kContent));
    EXPECT_LE(chunks[i].size(), chunk_header_bytes(4, 3) + 10);
  }
}

TEST(ChunkedUpload, ReassemblesInAnyOrderDroppingDuplicates) {
  auto chunks = split_upload("gw-1", kContent, 4);
  std::reverse(chunks.begin(), chunks.end());
  chunks.push_back(chunks.front());                   // a duplicate after completion
  chunks.insert(chunks.begin() + 1, chunks.front());  // and one before
  Reassembler reassembler(10s);
  std::vector<std::string> reports;
  for (const auto& chunk : chunks) {
    if (auto report = reassembler.add(chunk, 1s)) reports.push_back(*report);
  }
  ASSERT_EQ(reports.size(), 1u);
  const json report = json::parse(reports[0]);
  EXPECT_EQ(report["status"], "complete");
  EXPECT_EQ(report["sha"], content_hash(kContent));
  EXPECT_FALSE(reassembler.next_deadline().has_value());
}

TEST(ChunkedUpload, GivesUpAfterTheTimeoutNamingTheMissingChunks) {
  const auto chunks = split_upload("gw-1", kContent, 4);  // 7 chunks
  Reassembler reassembler(10s);
  EXPECT_FALSE(reassembler.add(chunks[0], 1s));
  EXPECT_FALSE(reassembler.add(chunks[3], 2s));
  EXPECT_EQ(reassembler.next_deadline(), runtime::TimePoint(11s));
  EXPECT_TRUE(reassembler.expire(10s).empty());
  const auto lost = reassembler.expire(11s);
  ASSERT_EQ(lost.size(), 1u);
  const json report = json::parse(lost[0]);
  EXPECT_EQ(report["status"], "lost");
  EXPECT_EQ(report["missing"], json({2, 3, 5, 6, 7}));
  EXPECT_FALSE(reassembler.add(chunks[1], 12s));  // given up: a late chunk changes nothing
  EXPECT_TRUE(reassembler.expire(30s).empty());
}

TEST(ChunkedUpload, OtherMessagesAreNotChunks) {
  Reassembler reassembler(10s);
  EXPECT_FALSE(reassembler.add("{\"status\":\"online\"}", 0s));
  EXPECT_FALSE(reassembler.add("not json", 0s));
  EXPECT_FALSE(reassembler.next_deadline().has_value());
}

}  // namespace
}  // namespace mqttbed::devices
