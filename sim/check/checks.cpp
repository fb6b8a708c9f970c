#include "sim/check/checks.h"

#include <stdexcept>

#include "sim/check/answers_checker.h"
#include "sim/check/checker_thread.h"
#include "sim/check/completeness_checker.h"
#include "sim/check/isolation_checker.h"
#include "sim/check/ordering_checker.h"
#include "sim/check/qos_checker.h"
#include "sim/check/retained_checker.h"
#include "sim/check/sessions_checker.h"
#include "sim/check/shadow_checker.h"
#include "sim/check/will_checker.h"
#include "sim/history/history_file.h"
#include "sim/security/security.h"

namespace mqttbed::check {

const std::vector<std::string>& check_names() {
  static const std::vector<std::string> kNames = {
      "qos", "ordering", "retained", "will", "sessions", "shadow", "isolation", "completeness"};
  return kNames;
}

namespace {

void add_checkers(const std::string& name, const std::shared_ptr<ClientSessions>& sessions,
                  const security::PolicySetup& policy, std::vector<std::unique_ptr<Checker>>& out) {
  if (name == "qos") {
    for (int level = 0; level <= 2; ++level)
      out.push_back(std::make_unique<QosChecker>(level, sessions));
    // The QoS promises presuppose that the server answers the publishes and subscribes at
    // all; without this a server that answers nothing passes them vacuously (issue 12).
    out.push_back(std::make_unique<AnswersChecker>());
  } else if (name == "answers") {
    out.push_back(std::make_unique<AnswersChecker>());
  } else if (name == "qos0" || name == "qos1" || name == "qos2") {
    out.push_back(std::make_unique<QosChecker>(name.back() - '0', sessions));
  } else if (name == "ordering") {
    out.push_back(std::make_unique<OrderingChecker>());
  } else if (name == "retained") {
    out.push_back(std::make_unique<RetainedChecker>());
  } else if (name == "will") {
    out.push_back(std::make_unique<WillChecker>(sessions));
  } else if (name == "sessions") {
    out.push_back(std::make_unique<SessionsChecker>(sessions));
  } else if (name == "shadow") {
    out.push_back(std::make_unique<ShadowChecker>());
  } else if (name == "isolation") {
    // Its own evaluator: the checker thread must not share the broker's cache.
    auto authorizer = std::make_shared<security::Authorizer>(policy);
    out.push_back(std::make_unique<IsolationChecker>(
        [authorizer](const std::string& client, policy::Action action, std::string_view name) {
          return authorizer->allows(client, action, name);
        }));
  } else if (name == "completeness") {
    out.push_back(std::make_unique<CompletenessChecker>(sessions));
  } else {
    std::string known;
    for (const std::string& n : check_names()) known += (known.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown check \"" + name + "\" (known: " + known + ")");
  }
}

}  // namespace

std::vector<std::unique_ptr<Checker>> make_checkers(const std::vector<std::string>& names,
                                                    const security::PolicySetup& policy) {
  std::vector<std::unique_ptr<Checker>> checkers;
  // One connection/subscription tracker for all: at 100,000 clients, five copies of its
  // topic trie and client table were most of the checkers' memory and trie matching.
  auto sessions = std::make_shared<ClientSessions>();
  for (const std::string& name : names) add_checkers(name, sessions, policy, checkers);
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
                                    const std::vector<std::string>& names) {
  // The file's check list is only known after its header is read, so read the header first.
  std::vector<std::string> chosen = names;
  if (chosen.empty()) chosen = history::read_history_header(path).checks;
  history::History history;
  CheckerThread checkers(make_checkers(chosen));
  checkers.attach(history);
  HistoryJudgement judgement;
  judgement.info = history::read_history_file(path, history, partial);
  const history::HistoryFileInfo& info = judgement.info;
  judgement.verdicts = checkers.finish(
      CheckContext{info.end_ns, info.settle_start_ns, info.retained_survive_restart});
  return judgement;
}

std::vector<Verdict> check_history_file(const std::string& path,
                                        const std::vector<std::string>& names) {
  return judge_history_file(path, /*partial=*/false, names).verdicts;
}

}  // namespace mqttbed::check
