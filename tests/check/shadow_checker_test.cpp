// Shadow checker: versions increase, rejected updates change nothing, state converges.
#include "sim/check/shadow_checker.h"

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
  history::EnvelopedPublish ask(const std::string& suffix, const std::string& json) {
    return publish("app", kThing + suffix, 1, json);
  }
  // An unversioned update request, so that answers carrying `token` answer something.
  void ask_update(const std::string& token) {
    ask("update", R"({"state":{"desired":{"on":true}},"clientToken":")" + token + "\"}");
  }
};

TEST(ShadowChecker, IncreasingVersionsAndConvergedStatePass) {
  ShadowBed bed;
  bed.ask_update("t1");
  auto a1 = bed.reply("update/accepted", accepted(1, "t1"));
  bed.reply("update/documents", documents(1, R"({"on":true})", "{}"));
  bed.ask_update("t2");
  auto a2 = bed.reply("update/accepted", accepted(2, "t2"));
  bed.reply("update/documents", documents(2, R"({"on":true})", R"({"on":true,"rssi":-40})"));
  bed.deliver("app", kThing + "update/accepted", 1, a1);
  bed.deliver("app", kThing + "update/accepted", 1, a2);
  const Verdict& v = bed.verdict("shadow");
  EXPECT_TRUE(v.passed) << explain(v);
  // 4 published, 2 delivered, 2 answers matched to their requests, 1 thing converged
  EXPECT_EQ(v.counts.checked, 9u);
  EXPECT_EQ(v.counts.ok, 9u);
}

TEST(ShadowChecker, ReusedVersionFails) {
  ShadowBed bed;
  bed.ask_update("t1");
  bed.reply("update/accepted", accepted(1, "t1"));
  bed.ask_update("t2");
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
  bed.ask_update("t1");
  auto a1 = bed.reply("update/accepted", accepted(1, "t1"));
  bed.deliver("app", kThing + "update/accepted", 1, a1);
  bed.deliver("app", kThing + "update/accepted", 1, a1, /*retain=*/false, /*dup=*/true);
  const Verdict& v = bed.verdict("shadow");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.duplicated, 0u);
}

TEST(ShadowChecker, SubscriberSeeingAnOlderVersionLaterFails) {
  ShadowBed bed;
  bed.ask_update("t1");
  auto a1 = bed.reply("update/accepted", accepted(1, "t1"));
  bed.ask_update("t2");
  auto a2 = bed.reply("update/accepted", accepted(2, "t2"));
  bed.deliver("app", kThing + "update/accepted", 1, a2);
  bed.deliver("app", kThing + "update/accepted", 1, a1);
  EXPECT_FALSE(bed.verdict("shadow").passed);
}

TEST(ShadowChecker, ChangeOutsideAcceptedUpdatesFails) {
  ShadowBed bed;
  bed.reply("update/documents", documents(1, R"({"on":true})", R"({"on":true})"));
  bed.ask_update("t9");
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
  bed.ask_update("t1");
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

// Documents of a chain: previous version and state, current version and state.
std::string chained(int previous, const std::string& before, int current,
                    const std::string& after) {
  return R"({"previous":{"state":)" + before + R"(,"version":)" + std::to_string(previous) +
         R"(},"current":{"state":)" + after + R"(,"version":)" + std::to_string(current) + "}}";
}

TEST(ShadowChecker, AnswersEchoingTheirRequestsPass) {
  ShadowBed bed;
  bed.ask("update", R"({"state":{"desired":{"on":true}},"clientToken":"t1"})");
  bed.reply("update/accepted", accepted(1, "t1"));
  bed.reply("update/documents", chained(0, "{}", 1, R"({"desired":{"on":true}})"));
  bed.ask("update", R"({"state":{"reported":{"on":true}},"version":1,"clientToken":"t2"})");
  bed.reply("update/accepted", accepted(2, "t2"));
  bed.reply("update/documents", chained(1, R"({"desired":{"on":true}})", 2,
                                        R"({"desired":{"on":true},"reported":{"on":true}})"));
  bed.ask("get", R"({"clientToken":"g1"})");
  bed.reply("get/accepted", R"({"state":{},"version":2,"clientToken":"g1"})");
  bed.ask("update", R"({"state":{"reported":{"on":false}},"version":1,"clientToken":"t3"})");
  bed.reply("update/rejected", R"({"code":409,"message":"Version conflict","clientToken":"t3"})");
  bed.ask("get", "{}");
  bed.reply("get/accepted", R"({"state":{},"version":2})");
  const Verdict& v = bed.verdict("shadow");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.unexpected, 0u);
}

TEST(ShadowChecker, AnAnswerWithAnotherRequestsTokenFails) {
  ShadowBed bed;
  bed.ask("get", R"({"clientToken":"g1"})");
  bed.reply("get/accepted", R"({"state":{},"version":1,"clientToken":"g2"})");
  const Verdict& v = bed.verdict("shadow");
  EXPECT_FALSE(v.passed);
  EXPECT_NE(v.violations.at(0).invariant.find("clientToken"), std::string::npos) << explain(v);
}

TEST(ShadowChecker, AnAnswerOfAnotherOperationsTokenFails) {
  ShadowBed bed;  // the token is a get's, answered on update/rejected
  bed.ask("get", R"({"clientToken":"g1"})");
  bed.reply("update/rejected", R"({"code":400,"message":"Missing state","clientToken":"g1"})");
  EXPECT_FALSE(bed.verdict("shadow").passed);
}

TEST(ShadowChecker, AnAnswerDroppingTheClientTokenFails) {
  ShadowBed bed;
  bed.ask("delete", R"({"clientToken":"d1"})");
  bed.reply("delete/accepted", R"({"version":3,"timestamp":5})");
  const Verdict& v = bed.verdict("shadow");
  EXPECT_FALSE(v.passed);
  EXPECT_NE(v.violations.at(0).invariant.find("clientToken"), std::string::npos) << explain(v);
}

TEST(ShadowChecker, AStaleVersionAcceptedFails) {
  ShadowBed bed;
  bed.reply("update/documents", chained(0, "{}", 1, R"({"desired":{"on":true}})"));
  bed.reply("update/documents",
            chained(1, R"({"desired":{"on":true}})", 2, R"({"desired":{"on":false}})"));
  bed.ask("update", R"({"state":{"reported":{"on":true}},"version":1,"clientToken":"t9"})");
  bed.reply("update/accepted", accepted(3, "t9"));
  const Verdict& v = bed.verdict("shadow");
  EXPECT_FALSE(v.passed);
  EXPECT_NE(v.violations.at(0).invariant.find("accepted only when its version"), std::string::npos)
      << explain(v);
}

TEST(ShadowChecker, AConflictForTheCurrentVersionFails) {
  ShadowBed bed;
  bed.reply("update/documents", chained(0, "{}", 1, R"({"desired":{"on":true}})"));
  bed.ask("update", R"({"state":{"reported":{"on":true}},"version":1,"clientToken":"t9"})");
  bed.reply("update/rejected", R"({"code":409,"message":"Version conflict","clientToken":"t9"})");
  const Verdict& v = bed.verdict("shadow");
  EXPECT_FALSE(v.passed);
  EXPECT_NE(v.violations.at(0).invariant.find("409"), std::string::npos) << explain(v);
}

TEST(ShadowChecker, AVersionSkippedOrKeptByAnUpdateFails) {
  for (int current : {1, 3}) {
    ShadowBed bed;
    bed.reply("update/documents", chained(1, "{}", current, R"({"desired":{"on":true}})"));
    const Verdict& v = bed.verdict("shadow");
    EXPECT_FALSE(v.passed) << current;
    EXPECT_NE(v.violations.at(0).invariant.find("grows by one"), std::string::npos) << explain(v);
  }
}

TEST(ShadowChecker, AnOversizeStateAcceptedFailsAndRejectedPasses) {
  const std::string big(kAwsShadowStateLimitBytes, 'x');
  for (bool accept : {true, false}) {
    ShadowBed bed;
    bed.ask("update", R"({"state":{"reported":{"note":")" + big + R"("}},"clientToken":"big"})");
    if (accept) {
      bed.reply("update/accepted", accepted(1, "big"));
    } else {
      bed.reply("update/rejected",
                R"({"code":413,"message":"The payload exceeds the maximum size allowed",)"
                R"("clientToken":"big"})");
    }
    const Verdict& v = bed.verdict("shadow");
    EXPECT_EQ(v.passed, !accept) << explain(v);
    if (accept) {
      EXPECT_NE(v.violations.at(0).invariant.find("8 KB"), std::string::npos) << explain(v);
    }
  }
}

TEST(ShadowChecker, DeleteEmptiesTheShadowAndTheVersionCountsOn) {
  ShadowBed bed;
  bed.reply("update/documents",
            chained(0, "{}", 1, R"({"desired":{"on":true},"reported":{"on":false}})"));
  bed.ask("delete", R"({"clientToken":"d1"})");
  bed.reply("delete/accepted", R"({"version":1,"timestamp":3,"clientToken":"d1"})");
  bed.reply("update/documents", chained(1, "{}", 2, R"({"reported":{"on":false}})"));
  const Verdict& v = bed.verdict("shadow");
  EXPECT_TRUE(v.passed) << explain(v);  // and desired, deleted, no longer owes convergence
}

TEST(ShadowChecker, AShadowStillHoldingStateAfterItsDeleteFails) {
  ShadowBed bed;
  bed.reply("update/documents", chained(0, "{}", 1, R"({"desired":{"on":true}})"));
  bed.ask("delete", "{}");
  bed.reply("delete/accepted", R"({"version":1,"timestamp":3})");
  // The next update's "previous" still holds the deleted state.
  bed.reply("update/documents",
            chained(1, R"({"desired":{"on":true}})", 2, R"({"desired":{"on":true}})"));
  const Verdict& v = bed.verdict("shadow");
  EXPECT_FALSE(v.passed);
  EXPECT_NE(v.violations.at(0).invariant.find("changes nothing"), std::string::npos) << explain(v);
}

TEST(ShadowChecker, NamedShadowsCountTheirOwnVersions) {
  ShadowBed bed;
  const std::string named = "name/config/";
  bed.reply("update/documents",
            chained(0, "{}", 1, R"({"desired":{"on":true},"reported":{"on":true}})"));
  bed.reply(named + "update/documents", chained(0, "{}", 1, R"({"reported":{"fade":3}})"));
  bed.reply("update/documents", chained(1, R"({"desired":{"on":true},"reported":{"on":true}})", 2,
                                        R"({"desired":{"on":true},"reported":{"on":true}})"));
  bed.ask(named + "update", R"({"state":{"reported":{"fade":4}},"version":1,"clientToken":"c"})");
  bed.reply(named + "update/accepted", accepted(2, "c"));
  const Verdict& v = bed.verdict("shadow");
  EXPECT_TRUE(v.passed) << explain(v);
}

}  // namespace
}  // namespace mqttbed::check::testing
