#include "sim/check/checks.h"

#include <stdexcept>

#include "sim/check/check_catalog.h"
#include "sim/check/checker_thread.h"
#include "sim/history/history_file.h"

namespace mqttbed::check {

namespace {

std::string known_checks() {
  std::string known;
  for (const CheckSpec& spec : check_catalog()) known += (known.empty() ? "" : ", ") + spec.name;
  return known;
}

}  // namespace

std::vector<std::unique_ptr<Checker>> make_checkers(const std::vector<std::string>& names,
                                                    const security::PolicySetup& policy) {
  std::vector<std::unique_ptr<Checker>> checkers;
  // One connection/subscription tracker for all: at 100,000 clients, five copies of its
  // topic trie and client table were most of the checkers' memory and trie matching.
  auto sessions = std::make_shared<ClientSessions>();
  for (const std::string& name : names) {
    const CheckSpec* spec = find_check(name);
    if (spec == nullptr)
      throw std::invalid_argument("unknown check \"" + name + "\" (known: " + known_checks() + ")");
    spec->make({sessions, policy}, checkers);
  }
  return checkers;
}

void attach(history::History& history, const std::vector<std::unique_ptr<Checker>>& checkers) {
  for (const auto& checker : checkers) {
    Checker* raw = checker.get();
    history.add_observer(
        [raw, &history](const history::Event& event) { raw->observe(event, history); });
  }
}

std::vector<Verdict> finish_all(const std::vector<std::unique_ptr<Checker>>& checkers,
                                const CheckContext& context) {
  std::vector<Verdict> verdicts;
  verdicts.reserve(checkers.size());
  for (const auto& checker : checkers) verdicts.push_back(checker->finish(context));
  return verdicts;
}

HistoryJudgement judge_history_file(const std::string& path, bool partial,
                                    const std::vector<std::string>& names,
                                    const security::PolicySetup& policy) {
  // The file's check list is only known after its header is read, so read the header first.
  std::vector<std::string> chosen = names;
  if (chosen.empty()) chosen = history::read_history_header(path).checks;
  history::History history;
  CheckerThread checkers(make_checkers(chosen, policy));
  checkers.attach(history);
  HistoryJudgement judgement;
  judgement.info = history::read_history_file(path, history, partial);
  const history::HistoryFileInfo& info = judgement.info;
  judgement.verdicts =
      checkers.finish(CheckContext{info.end_ns, info.settle_start_ns, info.retained_survive_restart,
                                   info.broker_ordering, info.payload_limit_bytes});
  return judgement;
}

std::vector<Verdict> check_history_file(const std::string& path,
                                        const std::vector<std::string>& names) {
  return judge_history_file(path, /*partial=*/false, names).verdicts;
}

}  // namespace mqttbed::check
