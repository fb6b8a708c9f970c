// Reads a scenario YAML file into a Scenario, validating everything once. Every error
// names the file, line and column, the key path, what was found and what was expected.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/scenario/scenario.h"

namespace mqttbed::scenario {

// The parameters each device kind accepts (from the device registry), and where it may be
// placed: "home" kinds go under fleet.per_home, "account" kinds under fleet.per_account.
struct KindSpec {
  std::string placement;  // "home" or "account"
  std::vector<ParamSpec> params;
};
using KindCatalog = std::map<std::string, KindSpec>;

// What names in a scenario are checked against. The scenario library knows neither the
// device registry nor the checkers; its callers pass their catalogs in.
struct Catalog {
  KindCatalog kinds;
  std::vector<std::string> checks;  // a `checks:` list may name these; all of them by default
};

class ScenarioError : public std::runtime_error {
 public:
  // what() is the full "file:line:col: key.path: found X, expected Y" message.
  ScenarioError(const std::string& file, int line, int column, const std::string& key_path,
                const std::string& message);
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& key_path() const { return key_path_; }

 private:
  std::string file_;
  int line_;
  int column_;
  std::string key_path_;
};

// Throws ScenarioError on any problem (including unreadable files and YAML syntax).
Scenario load_scenario_file(const std::string& path, const Catalog& catalog);
// Same, from text; `file` names it in messages.
Scenario load_scenario_text(const std::string& text, const std::string& file,
                            const Catalog& catalog);

}  // namespace mqttbed::scenario
