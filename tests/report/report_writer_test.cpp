#include "sim/report/report_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/report/event_builder.h"

namespace mqttbed::report {
namespace {

namespace fs = std::filesystem;
using testing::EventBuilder;
using testing::kMs;

scenario::Scenario small_scenario() {
  scenario::Scenario s;
  s.name = "small";
  s.file = "scenarios/small.yaml";
  s.seed = 7;
  s.duration = std::chrono::seconds(10);
  s.settle = std::chrono::seconds(5);
  s.fleet.homes = 4;
  s.fleet.homes_per_account = 2;
  s.fleet.per_home = {{"light", 2, {}, {}}, {"gateway", 1, {}, {}}};
  s.fleet.per_account = {{"app", 1, {}, {}}};
  scenario::Fault fault;
  fault.kind = scenario::Fault::Kind::disconnect;
  fault.target.text = "kind=light";
  fault.at = std::chrono::seconds(3);
  fault.duration = std::chrono::seconds(2);
  s.faults.push_back(fault);
  scenario::Expectation e;
  e.metric = "latency.qos1.p99";
  e.value = 0.5;
  e.text = "latency.qos1.p99 < 500ms";
  s.expect.push_back(e);
  return s;
}

// One simulated run's observable output, fed into fresh metrics.
struct RecordedRun {
  explicit RecordedRun(const scenario::Scenario& scenario)
      : metrics(history, metrics_options_for(scenario)) {
    metrics.attach(history);
    EventBuilder events(history);
    for (int i = 0; i < 50; ++i) {
      std::int64_t t = i * 200 * kMs;
      history.append(events.connack(t, "acct0-home0-light" + std::to_string(i % 2)));
      history.append(events.publish(t, "acct0-home0-light0", i + 1, i % 3, 20 + i));
      history.append(events.deliver(t + (i + 3) * kMs, "acct0-app0", "acct0-home0-light0", i + 1,
                                    i % 3, 20 + i));
    }
    metrics.sample_broker(std::chrono::seconds(5), 3, 1, 0, 2, 4);
    metrics.record_shadow_convergence(std::chrono::milliseconds(1234));
    metrics.add_fault_window(
        {std::chrono::seconds(3), std::chrono::seconds(5), "disconnect", "kind=light"});
    verdicts = nlohmann::json::array(
        {{{"check", "qos"}, {"passed", true}, {"violations", nlohmann::json::array()}}});
    results = evaluate_expectations(scenario.expect, metrics);
  }

  ReportInput input(const scenario::Scenario& scenario, WallClock wall) const {
    return ReportInput{scenario, "0.1.0", verdicts, results, metrics, std::move(wall)};
  }

  history::History history;
  Metrics metrics;
  nlohmann::json verdicts;
  std::vector<ExpectationResult> results;
};

std::string without_wall_clock(const std::string& text) {
  nlohmann::ordered_json json = nlohmann::ordered_json::parse(text);
  json.erase("wall_clock");
  return json.dump(2);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class ReportFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mqttbed-report-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "report.json") << "previous\n";
  }
  void TearDown() override {
    fs::permissions(dir_, fs::perms::owner_all);
    fs::remove_all(dir_);
  }
  fs::path dir_;
};

TEST(ReportWriterTest, IdenticalRunsAreByteIdenticalOutsideWallClock) {
  scenario::Scenario scenario = small_scenario();
  RecordedRun first(scenario);
  RecordedRun second(scenario);
  std::string a = render_report(first.input(scenario, {"2026-01-01T00:00:00Z", 1.5, 150}));
  std::string b = render_report(second.input(scenario, {"2026-06-30T12:34:56Z", 0.25, 150}));
  EXPECT_NE(a, b);  // the wall clocks differ...
  // ...and wall_clock is the last key, so the bytes before it are identical too.
  EXPECT_EQ(a.substr(0, a.find("\"wall_clock\"")), b.substr(0, b.find("\"wall_clock\"")));
  EXPECT_EQ(without_wall_clock(a), without_wall_clock(b));
}

TEST(ReportWriterTest, ReportHasEverySectionInFixedOrder) {
  scenario::Scenario scenario = small_scenario();
  RecordedRun run(scenario);
  nlohmann::ordered_json report = build_report(run.input(scenario, {"t", 2.0, 100}));
  std::vector<std::string> keys;
  for (const auto& item : report.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"schema_version", "mqttbed_version", "mode", "scenario",
                                            "summary", "verdicts", "expectations", "metrics",
                                            "wall_clock"}));
  EXPECT_EQ(report["schema_version"], kReportSchemaVersion);
  EXPECT_EQ(report["mode"], "simulated");  // the HTML labels its time axis from this
  EXPECT_EQ(report["scenario"]["seed"], 7);
  EXPECT_EQ(report["scenario"]["fleet"]["accounts"], 2);
  EXPECT_EQ(report["scenario"]["fleet"]["clients"], 4 * 3 + 2);
  EXPECT_EQ(report["scenario"]["faults"][0]["for_s"], 2.0);
  EXPECT_EQ(report["metrics"]["counters"]["published"], 50);
  EXPECT_EQ(report["metrics"]["latency"]["qos1"]["count"], 17);
  EXPECT_TRUE(report["metrics"]["latency"]["by_kind"].contains("light"));
  const auto& series = report["metrics"]["series"]["published_messages_per_s"];
  EXPECT_EQ(series["values"].size(), 300u);  // 15 s horizon in 50 ms steps
  EXPECT_EQ(series["step_s"].dump(), "0.05");
  EXPECT_EQ(report["wall_clock"]["events_per_second"], 50.0);
  EXPECT_TRUE(report["summary"]["passed"]);
}

TEST(ReportWriterTest, SummaryFailsOnFailedVerdictOrMissedExpectation) {
  scenario::Scenario scenario = small_scenario();
  RecordedRun run(scenario);
  EXPECT_TRUE(report_passed(run.verdicts, run.results));
  nlohmann::json failing = nlohmann::json::array({{{"passed", false}, {"violations", 3}}});
  EXPECT_FALSE(report_passed(failing, run.results));
  nlohmann::json unflagged = nlohmann::json::array({{{"check", "qos"}}});
  EXPECT_FALSE(report_passed(unflagged, run.results));
  std::vector<ExpectationResult> missed = run.results;
  missed[0].passed = false;
  EXPECT_FALSE(report_passed(run.verdicts, missed));
  ReportInput input{scenario, "0.1.0", failing, run.results, run.metrics, {}};
  nlohmann::ordered_json report = build_report(input);
  EXPECT_FALSE(report["summary"]["passed"]);
  EXPECT_EQ(report["summary"]["violations"], 3);
  EXPECT_EQ(report["summary"]["verdicts"]["failed"], 1);
}

TEST(ReportWriterTest, ViolationTotalPrefersTheCheckersFullCount) {
  scenario::Scenario scenario = small_scenario();
  RecordedRun run(scenario);
  // As check::to_json writes it: the first violations in full, the total in violation_count.
  nlohmann::json verdicts = nlohmann::json::array(
      {{{"guarantee", "qos1"},
        {"passed", false},
        {"violation_count", 40},
        {"violations", nlohmann::json::array({{{"invariant", "lost"}}})}},
       {{"guarantee", "ordering"}, {"passed", true}, {"violations", nlohmann::json::array()}}});
  ReportInput input{scenario, "0.1.0", verdicts, run.results, run.metrics, {}};
  nlohmann::ordered_json report = build_report(input);
  EXPECT_EQ(report["summary"]["violations"], 40);
  EXPECT_EQ(report["verdicts"][0]["guarantee"], "qos1");
  EXPECT_EQ(report["verdicts"].size(), 2u);
}

TEST_F(ReportFileTest, AtomicWriteReplacesTheFileAndLeavesNoTemporary) {
  write_file_atomically((dir_ / "report.json").string(), "{\"new\": true}\n");
  EXPECT_EQ(read_file(dir_ / "report.json"), "{\"new\": true}\n");
  EXPECT_FALSE(fs::exists(dir_ / "report.json.tmp"));
}

TEST_F(ReportFileTest, FailedWriteLeavesThePreviousReportIntact) {
  // The temporary's name is taken by a directory: creating it fails before anything moves.
  fs::create_directory(dir_ / "report.json.tmp");
  EXPECT_THROW(write_file_atomically((dir_ / "report.json").string(), "new"), WriteError);
  EXPECT_EQ(read_file(dir_ / "report.json"), "previous\n");
  EXPECT_TRUE(fs::is_directory(dir_ / "report.json.tmp"));
}

TEST_F(ReportFileTest, FailedRenameLeavesThePreviousReportIntactAndCleansUp) {
  // A directory cannot be replaced by a file: the temporary is written, the rename fails.
  fs::create_directory(dir_ / "busy");
  std::ofstream(dir_ / "busy" / "keep") << "x";
  EXPECT_THROW(write_file_atomically((dir_ / "busy").string(), "new"), WriteError);
  EXPECT_TRUE(fs::is_directory(dir_ / "busy"));
  EXPECT_FALSE(fs::exists(dir_ / "busy.tmp"));
  EXPECT_EQ(read_file(dir_ / "report.json"), "previous\n");
}

TEST_F(ReportFileTest, UnwritableDirectoryLeavesThePreviousReportIntact) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_THROW(write_file_atomically((dir_ / "report.json").string(), "new"), WriteError);
  EXPECT_EQ(read_file(dir_ / "report.json"), "previous\n");
}

TEST_F(ReportFileTest, WriteReportWritesTheRenderedReport) {
  scenario::Scenario scenario = small_scenario();
  RecordedRun run(scenario);
  ReportInput input = run.input(scenario, {"t", 1.0, 1});
  write_report((dir_ / "report.json").string(), input);
  EXPECT_EQ(read_file(dir_ / "report.json"), render_report(input));
}

TEST_F(ReportFileTest, MissingDirectoryIsAnErrorNamingTheFile) {
  std::string path = (dir_ / "absent" / "report.json").string();
  try {
    write_file_atomically(path, "x");
    FAIL() << "expected WriteError";
  } catch (const WriteError& error) {
    EXPECT_NE(std::string(error.what()).find("absent/report.json.tmp"), std::string::npos);
  }
}

}  // namespace
}  // namespace mqttbed::report
