// The factory, the verdict formats, bounded violation lists and re-judging a history file.
#include "sim/check/checks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/check/check_catalog.h"
#include "sim/check/verdict_format.h"
#include "sim/history/history_file.h"
#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

std::vector<std::string> names_of(const std::vector<std::unique_ptr<Checker>>& checkers) {
  std::vector<std::string> names;
  for (const auto& c : checkers) names.push_back(c->name());
  return names;
}

// `qos` is the three levels and the answers they presuppose (PUBACK, PUBREC/PUBCOMP, SUBACK).
TEST(Checks, QosExpandsToThreeLevelsAndAnswersAndEveryNameIsKnown) {
  EXPECT_EQ(names_of(make_checkers({"qos", "will"})),
            (std::vector<std::string>{"qos0", "qos1", "qos2", "answers", "will"}));
  EXPECT_EQ(make_checkers(scenario_check_names()).size(), scenario_check_names().size() + 3);
}

// The catalog is the one list: every check makes checkers, a part is made by its whole,
// every checker's verdict is named by a catalog entry, and docs/checks.md defines each one.
TEST(Checks, CatalogEntriesMakeTheirCheckersAndAreDocumented) {
  std::ifstream docs_file(MQTTBED_SOURCE_DIR "/docs/checks.md");
  std::stringstream docs;
  docs << docs_file.rdbuf();
  for (const CheckSpec& spec : check_catalog()) {
    SCOPED_TRACE(spec.name);
    EXPECT_FALSE(spec.description.empty());
    EXPECT_NE(docs.str().find("\n## " + spec.name), std::string::npos) << "no docs section";
    auto made = names_of(make_checkers({spec.name}));
    ASSERT_FALSE(made.empty());
    for (const std::string& name : made) EXPECT_NE(find_check(name), nullptr) << name;
    if (!spec.part_of.empty()) {
      EXPECT_EQ(made, std::vector<std::string>{spec.name});
      auto whole = names_of(make_checkers({spec.part_of}));
      EXPECT_NE(std::find(whole.begin(), whole.end(), spec.name), whole.end());
    }
  }
  EXPECT_EQ(find_check("nonsense"), nullptr);
  EXPECT_THROW(make_checkers({"nonsense"}), std::invalid_argument);
}

// A guarantee that judged nothing passes, but says so in the summary and the report.
TEST(Checks, VerdictWithNothingJudgedIsMarkedVacuous) {
  Bed bed({"qos", "will"});
  bed.connect("pub");
  bed.connect("sub");
  bed.subscribe("sub", "t", 1);
  auto sent = bed.publish("pub", "t", 1);
  bed.deliver("sub", "t", 1, sent);
  const auto& verdicts = bed.finish();
  const std::string summary = format_summary(verdicts);
  for (const Verdict& v : verdicts) {
    const bool vacuous = v.guarantee != "qos1" && v.guarantee != "answers";
    EXPECT_EQ(v.nothing_checked(), vacuous) << v.guarantee << "\n" << summary;
    const auto json = to_json(v);
    EXPECT_EQ(json["nothing_checked"], vacuous);
    EXPECT_EQ(json["status"], vacuous ? "nothing_checked" : "passed");
  }
  EXPECT_NE(summary.find("VACUOUS (passed with nothing judged, the run does not exercise them): "
                         "qos0, qos2, will"),
            std::string::npos)
      << summary;
  EXPECT_EQ(summary.find("qos1         checked 1        ok 1        lost 0      dup 0      "
                         "unexpected 0      indeterminate 0      violations 0  VACUOUS"),
            std::string::npos)
      << summary;
}

// A failed verdict is never vacuous, even with nothing held.
TEST(Checks, FailedVerdictIsNotVacuous) {
  Verdict v;
  v.guarantee = "answers";
  v.passed = false;
  v.counts.checked = 1;
  v.counts.lost = 1;
  EXPECT_FALSE(v.nothing_checked());
  EXPECT_EQ(to_json(v)["status"], "failed");
}

TEST(Checks, UnknownCheckNameThrowsListingTheKnownOnes) {
  try {
    make_checkers({"qos", "liveness"});
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("liveness"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("completeness"), std::string::npos);
  }
}

// A history with one lost QoS 1 message and one will after a clean disconnect.
void record_two_violations(Bed& bed) {
  bed.connect("pub");
  bed.connect("sub");
  bed.subscribe("sub", "a/#", 1);
  bed.publish("pub", "a/b", 1);
  const std::string will = bed["dev"].connect_sent(true, "a/will", 1, false, "bye");
  bed["dev"].connack(false, 0);
  bed["dev"].disconnect_sent();
  bed.tick();
  bed.deliver("sub", "a/will", 1, will);
}

TEST(Checks, VerdictJsonRoundTrips) {
  Bed bed({"qos", "will"});
  record_two_violations(bed);
  const auto& verdicts = bed.finish();
  for (const Verdict& v : verdicts) {
    EXPECT_EQ(to_json(verdict_from_json(to_json(v))), to_json(v));
  }
  const auto json = to_json(verdicts);
  EXPECT_EQ(json.at(1).at("guarantee"), "qos1");
  EXPECT_EQ(json.at(1).at("passed"), false);
  EXPECT_EQ(json.at(1).at("counts").at("lost"), 1);
  EXPECT_FALSE(all_passed(verdicts));
}

TEST(Checks, SummaryShowsEachGuaranteeAndTheEvidence) {
  Bed bed({"qos", "will"});
  record_two_violations(bed);
  const std::string summary = format_summary(bed.finish());
  EXPECT_NE(summary.find("PASS qos0"), std::string::npos) << summary;
  EXPECT_NE(summary.find("FAIL qos1"), std::string::npos) << summary;
  EXPECT_NE(summary.find("FAIL will"), std::string::npos) << summary;
  EXPECT_NE(summary.find("MQTT-3.14.4-3"), std::string::npos) << summary;
  EXPECT_NE(summary.find("| 1.0"), std::string::npos) << summary;  // an excerpt line
}

TEST(Checks, OnlyTheFirstViolationsKeepTheirDetail) {
  Bed bed({"qos"});
  bed.connect("pub");
  bed.connect("sub");
  bed.subscribe("sub", "a/#", 1);
  for (int i = 0; i < 30; ++i) bed.publish("pub", "a/b", 1);
  const Verdict& v = bed.verdict("qos1");
  EXPECT_EQ(v.violation_count, 30u);
  EXPECT_EQ(v.violations.size(), 20u);
  EXPECT_EQ(v.violations.front().messages.at(0), "pub#1");  // in publish order
}

TEST(Checks, HistoryFileReJudgesToTheSameVerdicts) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "mqttbed-checks-roundtrip.jsonl").string();
  std::vector<Verdict> live;
  {
    Bed bed(scenario_check_names());
    history::HistoryWriter writer(path, bed.history, {.checks = scenario_check_names()});
    writer.attach(bed.history);
    record_two_violations(bed);
    bed.connect("acct1-app0");
    bed.subscribe("acct1-app0", "#", 1);
    const CheckContext context{bed.now_ns + 1'000'000'000, bed.now_ns + 1};
    live = bed.finish(context);
    writer.close(context.end_ns, context.settle_start_ns);
  }
  const std::vector<Verdict> replayed = check_history_file(path);
  EXPECT_EQ(to_json(replayed), to_json(live));
  EXPECT_FALSE(all_passed(replayed));
  EXPECT_EQ(check_history_file(path, {"will"}).size(), 1u);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace mqttbed::check::testing
