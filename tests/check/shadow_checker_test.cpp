// Shadow checker: versions increase, rejected updates change nothing, state converges.
#include <gtest/gtest.h>

#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

const std::string kThing = "$aws/things/acct1-home0-light0/shadow/";

std::string accepted(int version, const std::string& token) {
  return R"({"state":{"desired":{"on":true}},"version":)" + std::to_string(version) +
         R"(,"clientToken":")" + token + "\"}";
}

// Documents whose "previous" is empty (chains are tested with explicit payloads).
std::string documents(int version, const std::string& desired, const std::string& reported) {
  return R"({"previous":{},"current":{"state":{"desired":)" + desired + R"(,"reported":)" +
         reported + R"(},"version":)" + std::to_string(version) + "}}";
}

class ShadowBed : public Bed {
 public:
  ShadowBed() : Bed({"shadow"}) {
    connect("cloud-shadow");
    connect("app");
    subscribe("app", kThing + "update/accepted", 1);
  }
  history::EnvelopedPublish reply(const std::string& suffix, const std::string& json) {
    return publish("cloud-shadow", kThing + suffix, 1, json);
  }
};

TEST(ShadowChecker, IncreasingVersionsAndConvergedStatePass) {
  ShadowBed bed;
  auto a1 = bed.reply("update/accepted", accepted(1, "t1"));
  bed.reply("update/documents", documents(1, R"({"on":true})", "{}"));
  auto a2 = bed.reply("update/accepted", accepted(2, "t2"));
  bed.reply("update/documents", documents(2, R"({"on":true})", R"({"on":true,"rssi":-40})"));
  bed.deliver("app", kThing + "update/accepted", 1, a1);
  bed.deliver("app", kThing + "update/accepted", 1, a2);
  const Verdict& v = bed.verdict("shadow");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.checked, 7u);  // 4 published, 2 delivered, 1 thing converged
  EXPECT_EQ(v.counts.ok, 7u);
}

TEST(ShadowChecker, ReusedVersionFails) {
  ShadowBed bed;
  bed.reply("update/accepted", accepted(1, "t1"));
  bed.reply("update/accepted", accepted(1, "t2"));
  const Verdict& v = bed.verdict("shadow");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.duplicated, 1u);
  EXPECT_NE(v.violations.at(0).invariant.find("one update"), std::string::npos);
  // The evidence names the message that used the version first.
  EXPECT_NE(v.violations.at(0).excerpt.at(1).find("already used by message cloud-shadow#1,"),
            std::string::npos)
      << explain(v);
}

TEST(ShadowChecker, TheSameDocumentRedeliveredIsNotAReuse) {
  ShadowBed bed;
  auto a1 = bed.reply("update/accepted", accepted(1, "t1"));
  bed.deliver("app", kThing + "update/accepted", 1, a1);
  bed.deliver("app", kThing + "update/accepted", 1, a1, /*retain=*/false, /*dup=*/true);
  const Verdict& v = bed.verdict("shadow");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.duplicated, 0u);
}

TEST(ShadowChecker, SubscriberSeeingAnOlderVersionLaterFails) {
  ShadowBed bed;
  auto a1 = bed.reply("update/accepted", accepted(1, "t1"));
  auto a2 = bed.reply("update/accepted", accepted(2, "t2"));
  bed.deliver("app", kThing + "update/accepted", 1, a2);
  bed.deliver("app", kThing + "update/accepted", 1, a1);
  EXPECT_FALSE(bed.verdict("shadow").passed);
}

TEST(ShadowChecker, ChangeOutsideAcceptedUpdatesFails) {
  ShadowBed bed;
  bed.reply("update/documents", documents(1, R"({"on":true})", R"({"on":true})"));
  bed.reply("update/rejected", R"({"code":409,"message":"Version conflict","clientToken":"t9"})");
  // Version 2's "previous" is not version 1's "current": something else changed it.
  bed.reply("update/documents",
            R"({"previous":{"state":{"desired":{"on":false},"reported":{"on":true}},"version":1},)"
            R"("current":{"state":{"desired":{"on":true},"reported":{"on":true}},"version":2}})");
  const Verdict& v = bed.verdict("shadow");
  EXPECT_FALSE(v.passed);
  EXPECT_NE(v.violations.at(0).invariant.find("rejected"), std::string::npos);
}

TEST(ShadowChecker, RetriedUpdateRejectedAfterItsAcceptanceIsFine) {
  ShadowBed bed;  // a QoS 1 duplicate of one request: accepted once, then a version conflict
  bed.reply("update/accepted", accepted(1, "t1"));
  bed.reply("update/documents", documents(1, R"({"on":true})", R"({"on":true})"));
  bed.reply("update/rejected", R"({"code":409,"message":"Version conflict","clientToken":"t1"})");
  const Verdict& v = bed.verdict("shadow");
  EXPECT_TRUE(v.passed) << explain(v);
}

TEST(ShadowChecker, ReportedNotConvergedToDesiredFails) {
  ShadowBed bed;
  bed.reply("update/documents", documents(1, R"({"on":true})", R"({"on":false})"));
  const Verdict& v = bed.verdict("shadow");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.lost, 1u);
}

TEST(ShadowChecker, DesiredChangedDuringTheSettleWindowIsIndeterminate) {
  ShadowBed bed;
  const std::int64_t settle_start_ns = bed.now_ns;
  bed.tick();
  bed.reply("update/documents", documents(1, R"({"on":true})", R"({"on":false})"));
  const Verdict& v = bed.finish(CheckContext{bed.now_ns + 1, settle_start_ns}).at(0);
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.indeterminate, 1u);
}

}  // namespace
}  // namespace mqttbed::check::testing
