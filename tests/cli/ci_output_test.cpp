// What CI and a person read from a run: the paths printed, the summary JSON, GitHub
// annotations, and exit code 2 with FILE:LINE for a malformed or cut-short history or report.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "tests/cli/cli_runner.h"

namespace mqttbed::testing {
namespace {

const std::string kDefault = std::string(MQTTBED_SOURCE_DIR) + "/scenarios/default.yaml";
const std::string kMutations =
    std::string(MQTTBED_SOURCE_DIR) + "/tests/cli/scenarios/mutations.yaml";

void write_text(const std::string& path, const std::string& text) {
  std::FILE* out = std::fopen(path.c_str(), "w");
  ASSERT_NE(out, nullptr) << path;
  std::fputs(text.c_str(), out);
  std::fclose(out);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(CliOutput, RunPrintsTheHtmlPathBesideReportJson) {
  std::string dir = scratch_dir("paths");
  CliResult result = run_mqttbed("run " + kDefault + " --quiet --out " + dir);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("report: " + dir + "/report.json\n"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("html: " + dir + "/report.html\n"), std::string::npos)
      << result.output;
  EXPECT_TRUE(std::filesystem::exists(dir + "/report.html"));
  EXPECT_NE(read_file(dir + "/report.json").find("\"mode\": \"simulated\""), std::string::npos);
}

TEST(CliOutput, SummaryJsonAndAnnotationsNameTheFailedGuarantee) {
  std::string dir = scratch_dir("summary");
  CliResult result = run_mqttbed("run " + kMutations +
                                 " --quiet --broker-mutation skip_will --github-annotations "
                                 "--summary-json - --out " +
                                 dir);
  ASSERT_EQ(result.exit_code, 1) << result.output;
  std::vector<std::string> lines = lines_of(result.output);
  ASSERT_FALSE(lines.empty());
  const std::string prefix = "mqttbed-summary: ";
  ASSERT_EQ(lines.back().rfind(prefix, 0), 0u) << "the summary is the last line";
  auto summary = nlohmann::json::parse(lines.back().substr(prefix.size()));
  EXPECT_EQ(summary["format"], "mqttbed-summary");
  EXPECT_EQ(summary["passed"], false);
  EXPECT_EQ(summary["exit_code"], 1);
  EXPECT_EQ(summary["guarantees"]["failed_names"], nlohmann::json::array({"will"}));
  EXPECT_GE(summary["violations"].get<int>(), 1);
  EXPECT_EQ(summary["paths"]["report_json"], dir + "/report.json");
  EXPECT_EQ(summary["paths"]["report_html"], dir + "/report.html");
  EXPECT_NE(result.output.find("::error file=" + kMutations + ",title=mqttbed%3A will violated ("),
            std::string::npos)
      << result.output;
}

TEST(CliOutput, SummaryJsonFileOfAPassingRun) {
  std::string dir = scratch_dir("summary-file");
  CliResult result = run_mqttbed("run " + kDefault + " --quiet --summary-json " + dir +
                                 "/summary.json --out " + dir);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  auto summary = nlohmann::json::parse(read_file(dir + "/summary.json"));
  EXPECT_EQ(summary["passed"], true);
  EXPECT_EQ(summary["guarantees"]["failed"], 0);
  EXPECT_EQ(result.output.find("::error"), std::string::npos) << "annotations are opt-in";
}

TEST(CliOutput, CiFlagsOutsideRunAndCheckAreBadUsage) {
  EXPECT_EQ(run_mqttbed("validate " + kDefault + " --junit x.xml").exit_code, 2);
  EXPECT_EQ(run_mqttbed("run " + kDefault + " --partial").exit_code, 2);
}

const std::string kHeader = R"({"format":"mqttbed-history","version":1,"end_ns":1000})";

TEST(CliOutput, MalformedHistoryIsBadInputWithFileAndLine) {
  std::string path = scratch_dir("bad-history") + "/history.jsonl";
  write_text(path, kHeader + "\n{\"t\":1,\"e\":\"connack\",\"c\":\"a\"}\n{\"t\": oops}\n" +
                       R"({"end":true,"end_ns":1000})" + "\n");
  CliResult result = run_mqttbed("check " + path);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find(path + ":3: not a JSON object"), std::string::npos) << result.output;
}

TEST(CliOutput, MissingHistoryIsBadInput) {
  CliResult result = run_mqttbed("check /nonexistent/history.jsonl");
  EXPECT_EQ(result.exit_code, 2) << result.output;
}

TEST(CliOutput, MalformedReportIsBadInputWithFileLineAndColumn) {
  std::string path = scratch_dir("bad-report") + "/report.json";
  write_text(path, "{\n  \"schema_version\": 1,\n  \"metrics\": ,\n}\n");
  CliResult result = run_mqttbed("report " + path);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find(path + ":3:"), std::string::npos) << result.output;
}

// A history as a run killed mid-way leaves it: no end line, the last line cut off.
struct CutHistory {
  std::string path;
  std::size_t last_complete_line = 0;
};

CutHistory cut_history_of_a_passing_run(const std::string& name) {
  std::string dir = scratch_dir(name);
  CliResult run = run_mqttbed("run " + kDefault + " --quiet --no-html --out " + dir +
                              " --history " + dir + "/full.jsonl");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  std::vector<std::string> lines = lines_of(read_file(dir + "/full.jsonl"));
  EXPECT_GT(lines.size(), 100u);
  std::size_t keep = lines.size() * 2 / 3;
  std::string text;
  for (std::size_t i = 0; i < keep; ++i) text += lines[i] + "\n";
  text += lines[keep].substr(0, lines[keep].size() / 2);  // cut mid-line, no newline
  CutHistory cut{dir + "/cut.jsonl", keep};
  write_text(cut.path, text);
  return cut;
}

TEST(CliOutput, TruncatedHistoryWithoutPartialIsBadInputPointingAtPartial) {
  CutHistory cut = cut_history_of_a_passing_run("cut");
  CliResult result = run_mqttbed("check " + cut.path);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find(cut.path + ":" + std::to_string(cut.last_complete_line + 1) + ":"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("--partial"), std::string::npos) << result.output;
}

TEST(CliOutput, PartialJudgesATruncatedHistoryUpToItsLastCompleteEvent) {
  CutHistory cut = cut_history_of_a_passing_run("cut-partial");
  std::string summary_path = cut.path + ".summary.json";
  CliResult result = run_mqttbed("check " + cut.path + " --partial --summary-json " + summary_path);
  // The run passed; its first two thirds, with the owed window moved back, pass too.
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("judged up to its last complete event, line " +
                               std::to_string(cut.last_complete_line) + " at t="),
            std::string::npos)
      << result.output;
  auto summary = nlohmann::json::parse(read_file(summary_path));
  EXPECT_EQ(summary["partial"]["truncated"], true);
  EXPECT_EQ(summary["partial"]["last_complete_line"], cut.last_complete_line);
}

TEST(CliOutput, PartialOnACompleteHistorySaysNothingWasCut) {
  std::string dir = scratch_dir("complete-partial");
  ASSERT_EQ(run_mqttbed("run " + kDefault + " --quiet --no-html --out " + dir + " --history " +
                        dir + "/h.jsonl")
                .exit_code,
            0);
  CliResult result = run_mqttbed("check " + dir + "/h.jsonl --partial --summary-json -");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output.find("partial: the history was cut short"), std::string::npos);
  EXPECT_NE(result.output.find("\"truncated\":false"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace mqttbed::testing
