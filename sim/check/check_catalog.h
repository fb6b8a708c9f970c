// The one list of checks: each guarantee's name, what it judges, and how its checkers are
// made. The scenario loader, the CLI help, the history file and make_checkers all read it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/client_sessions.h"
#include "sim/security/security.h"

namespace mqttbed::check {

// What a check's checkers are made from: the connection/subscription tracker they all share
// and the scenario's authorization policy.
struct CheckInputs {
  std::shared_ptr<ClientSessions> sessions;
  const security::PolicySetup& policy;
};

struct CheckSpec {
  std::string name;
  std::string description;  // one line, for help and errors
  // Adds this check's checkers.
  std::function<void(const CheckInputs&, std::vector<std::unique_ptr<Checker>>&)> make;
  // Non-empty: a part of that check ("qos1" of "qos"), judged when it is; tests and
  // `mqttbed check` may name it alone, a scenario names the whole.
  std::string part_of;
};

// Every check, scenario-level ones first in the order a report lists them.
const std::vector<CheckSpec>& check_catalog();

// The names a scenario's `checks:` may hold (the catalog without parts), in catalog order;
// also the default when a scenario lists none.
std::vector<std::string> scenario_check_names();

// nullptr for an unknown name.
const CheckSpec* find_check(const std::string& name);

}  // namespace mqttbed::check
