// Choosing and running checkers: the factory for a scenario's `checks:` list, wiring them to
// a History, and re-judging a recorded history file (`mqttbed check HISTORY`).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sim/check/checker.h"
#include "sim/history/history.h"
#include "sim/history/history_file.h"
#include "sim/security/security.h"

namespace mqttbed::check {

// The checkers of each check named (check_catalog.h), in the order given ("qos" expands to
// four). Throws std::invalid_argument naming an unknown check and listing the known ones.
// Isolation judges against `policy` (the scenario's, security::policy_setup; by default the
// talk's namespaces).
std::vector<std::unique_ptr<Checker>> make_checkers(
    const std::vector<std::string>& names,
    const security::PolicySetup& policy = security::default_setup());

// Makes every checker an observer of `history` (the checkers must outlive the run).
void attach(history::History& history, const std::vector<std::unique_ptr<Checker>>& checkers);

// Calls finish() on each checker, in order.
std::vector<Verdict> finish_all(const std::vector<std::unique_ptr<Checker>>& checkers,
                                const CheckContext& context);

// Re-judges a history file: its header gives the settle window; `names` empty means the
// checks listed in the file. Throws history::HistoryFileError (malformed or cut-short file),
// std::invalid_argument (unknown check) with context.
std::vector<Verdict> check_history_file(const std::string& path,
                                        const std::vector<std::string>& names = {});

// The same, with what the file said; `partial` judges a file cut short up to its last
// complete event (history::read_history_file), info.truncated saying it was.
struct HistoryJudgement {
  std::vector<Verdict> verdicts;
  history::HistoryFileInfo info;
};
HistoryJudgement judge_history_file(
    const std::string& path, bool partial, const std::vector<std::string>& names = {},
    const security::PolicySetup& policy = security::default_setup());

}  // namespace mqttbed::check
