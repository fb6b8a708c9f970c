// What a CI job reads besides JUnit XML: a machine-readable summary of a run or re-judge
// (`--summary-json FILE`) and GitHub Actions `::error` annotations (`--github-annotations`).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/check/checker.h"
#include "sim/report/expectations.h"

namespace mqttbed::report {

struct CiOutcome {
  std::string command;  // "run" or "check"
  std::string name;     // scenario name, or the history file for `check`
  std::string mode;     // "simulated", "live", or "history" for `check`
  std::string file;     // the scenario or history file (annotations point at it)
  std::vector<check::Verdict> verdicts;
  std::vector<ExpectationResult> expectations;
  std::string report_json, report_html, junit, history;  // paths written ("" = none)
  bool truncated = false;                // check --partial on a history cut short ...
  std::uint64_t last_complete_line = 0;  // ... judged up to this line ...
  double last_event_s = 0;               // ... and this time
};

bool outcome_passed(const CiOutcome& outcome);

// {"format":"mqttbed-summary","version":1,"command","name","mode","passed","exit_code",
//  "guarantees":{"total","passed","failed","failed_names":[..]},
//  "expectations":{"total","passed","failed"},"violations",
//  "paths":{"report_json","report_html","junit","history"} (only those written),
//  "partial":{"truncated","last_complete_line","last_event_s"} (check only)}
nlohmann::ordered_json summary_json(const CiOutcome& outcome);

// One `::error file=F,line=L,title=T::MESSAGE` line per violation shown and per missed
// expectation, escaped as GitHub's workflow commands require.
std::string github_annotations(const CiOutcome& outcome);

// Workflow-command escaping: the message escapes % CR LF; a property also : and ,.
std::string annotation_message_escape(const std::string& text);
std::string annotation_property_escape(const std::string& text);

}  // namespace mqttbed::report
