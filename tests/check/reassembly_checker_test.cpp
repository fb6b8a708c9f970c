// Reassembly checker: each upload a receiver heard of is reassembled once and byte-identical,
// or reported lost with exactly its missing chunks.
#include <gtest/gtest.h>

#include <vector>

#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

const std::string kTopic = "platform/a/h/gateway/upload";
const std::string kReports = "platform/a/app/upload_report";

std::string chunk(int seq, int total, const std::string& sha = "00000000000000aa") {
  return "{\"data\":\"xyz\",\"seq\":" + std::to_string(seq) + ",\"sha\":\"" + sha +
         "\",\"total\":" + std::to_string(total) + ",\"upload\":\"gw-1\"}";
}
std::string complete(const std::string& sha = "00000000000000aa") {
  return "{\"sha\":\"" + sha + "\",\"status\":\"complete\",\"total\":3,\"upload\":\"gw-1\"}";
}
std::string lost(const std::string& missing) {
  return "{\"missing\":" + missing + ",\"status\":\"lost\",\"total\":3,\"upload\":\"gw-1\"}";
}

class UploadBed : public Bed {
 public:
  UploadBed() : Bed({"reassembly"}) {
    connect("gw");
    connect("app");
    subscribe("app", "platform/a/#", 1);
    for (int seq = 1; seq <= 3; ++seq) chunks.push_back(publish("gw", kTopic, 1, chunk(seq, 3)));
  }
  void deliver_chunks(const std::vector<int>& seqs) {
    for (int seq : seqs) deliver("app", kTopic, 1, chunks[seq - 1]);
  }
  void report(const std::string& payload) { publish("app", kReports, 1, payload); }

  std::vector<history::EnvelopedPublish> chunks;
};

TEST(ReassemblyChecker, ReassembledInAnyOrderWithTheSentHashPasses) {
  UploadBed bed;
  bed.deliver_chunks({3, 1, 1, 2});  // out of order, with a duplicate
  bed.report(complete());
  const Verdict& v = bed.verdict("reassembly");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.checked, 1u);
  EXPECT_EQ(v.counts.ok, 1u);
}

TEST(ReassemblyChecker, ReassembledWithAnotherHashFails) {
  UploadBed bed;
  bed.deliver_chunks({1, 2, 3});
  bed.report(complete("00000000000000bb"));
  const Verdict& v = bed.verdict("reassembly");
  EXPECT_FALSE(v.passed);
  ASSERT_EQ(v.violations.size(), 1u);
  EXPECT_NE(v.violations[0].invariant.find("byte-identical"), std::string::npos);
  EXPECT_EQ(v.violations[0].messages, (std::vector<std::string>{"gw-1"}));
}

TEST(ReassemblyChecker, CompleteWithoutEveryChunkFails) {
  UploadBed bed;
  bed.deliver_chunks({1, 3});
  bed.report(complete());
  EXPECT_FALSE(bed.verdict("reassembly").passed);
}

TEST(ReassemblyChecker, LostWithExactlyTheMissingChunksPasses) {
  UploadBed bed;
  bed.deliver_chunks({1, 3});
  bed.report(lost("[2]"));
  const Verdict& v = bed.verdict("reassembly");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 1u);
}

TEST(ReassemblyChecker, LostNamingTheWrongChunksFails) {
  UploadBed bed;
  bed.deliver_chunks({1, 3});
  bed.report(lost("[2,3]"));
  EXPECT_FALSE(bed.verdict("reassembly").passed);
}

TEST(ReassemblyChecker, AnUploadNeverReportedIsLost) {
  UploadBed bed;
  bed.deliver_chunks({1, 2});
  const Verdict& v = bed.verdict("reassembly");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.lost, 1u);
}

TEST(ReassemblyChecker, ReportedTwiceIsDuplicated) {
  UploadBed bed;
  bed.deliver_chunks({1, 2, 3});
  bed.report(complete());
  bed.report(complete());
  const Verdict& v = bed.verdict("reassembly");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.duplicated, 1u);
}

TEST(ReassemblyChecker, FirstChunkInTheSettleWindowWithoutReportIsIndeterminate) {
  UploadBed bed;
  const std::int64_t settle_start = bed.now_ns;
  bed.deliver_chunks({1});
  const Verdict& v = bed.finish(CheckContext{bed.now_ns + 1'000'000'000, settle_start}).at(0);
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.indeterminate, 1u);
}

TEST(ReassemblyChecker, ReceiverRebootedBeforeReportingIsIndeterminate) {
  UploadBed bed;
  bed.deliver_chunks({1});
  bed["faults"].fault("app", "begin device_reboot name=app");
  const Verdict& v = bed.verdict("reassembly");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.indeterminate, 1u);
}

}  // namespace
}  // namespace mqttbed::check::testing
