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
}

TEST(ShadowChecker, ReusedVersionFails) {
  ShadowBed bed;
  bed.reply("update/accepted", accepted(1, "t1"));
  bed.reply("update/accepted", accepted(1, "t2"));
  const Verdict& v = bed.verdict("shadow");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.duplicated, 1u);
  EXPECT_NE(v.violations.at(0).invariant.find("one update"), std::string::npos);
}

TEST(ShadowChecker, SubscriberSeeingAnOlderVersionLaterFails) {
  ShadowBed bed;
  auto a1 = bed.reply("update/accepted", accepted(1, "t1"));
  auto a2 = bed.reply("update/accepted", accepted(2, "t2"));
  bed.deliver("app", kThing + "update/accepted", 1, a2);
  bed.deliver("app", kThing + "update/accepted", 1, a1);
  EXPECT_FALSE(bed.verdict("shadow").passed);
}

TEST(ShadowChecker, RejectedUpdateThatWasAlsoAcceptedFails) {
  ShadowBed bed;
  bed.reply("update/rejected", R"({"code":409,"message":"Version conflict","clientToken":"t9"})");
  bed.reply("update/accepted", accepted(1, "t9"));
  const Verdict& v = bed.verdict("shadow");
  EXPECT_FALSE(v.passed);
  EXPECT_NE(v.violations.at(0).invariant.find("rejected"), std::string::npos);
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
