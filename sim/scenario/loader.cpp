// Entry points of the scenario loader: YAML text -> document checks -> section readers.
#include "sim/scenario/loader.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "sim/scenario/readers.h"
#include "sim/scenario/yaml_document.h"
#include "sim/scenario/yaml_field.h"

namespace mqttbed::scenario {
namespace {

std::string where(const std::string& file, int line, int column, const std::string& key_path) {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  out += ": ";
  if (!key_path.empty()) out += key_path + ": ";
  return out;
}

std::string read_name(const Field& field) {
  std::string name = field.as_string();
  bool ok = !name.empty() && name.size() <= 100;
  for (char c : name) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
  }
  if (!ok) field.fail_expected("a name of letters, digits, '-', '_' or '.' (at most 100)");
  return name;
}

Scenario read_scenario(const Field& root, const Catalog& catalog) {
  root.expect_keys({"name", "seed", "duration", "settle", "mqtt", "broker", "network", "fleet",
                    "faults", "identity", "policy", "checks", "expect"});
  Scenario scenario;
  scenario.file = root.file();
  scenario.name = read_name(root.require("name"));
  if (auto seed = root.get("seed")) {
    scenario.seed =
        static_cast<std::uint64_t>(seed->as_int(0, std::numeric_limits<std::int64_t>::max()));
  }
  scenario.duration = root.require("duration").as_duration(std::chrono::milliseconds(1));
  if (auto settle = root.get("settle")) scenario.settle = settle->as_duration();
  if (auto mqtt = root.get("mqtt")) scenario.mqtt = read_mqtt(*mqtt);
  if (auto broker = root.get("broker")) scenario.broker = read_broker(*broker);
  scenario.network = default_network();
  if (auto network = root.get("network")) scenario.network = read_network(*network);
  scenario.fleet = read_fleet(root.require("fleet"), catalog.kinds, scenario.broker);
  if (auto faults = root.get("faults")) scenario.faults = read_faults(*faults, scenario);
  if (auto identity = root.get("identity")) scenario.identity = read_identity(*identity);
  if (auto policy = root.get("policy")) scenario.policy = read_policy(*policy, scenario.fleet);
  scenario.checks = catalog.checks;
  if (auto checks = root.get("checks")) scenario.checks = read_checks(*checks, catalog.checks);
  if (auto expect = root.get("expect")) scenario.expect = read_expect(*expect);
  return scenario;
}

}  // namespace

ScenarioError::ScenarioError(const std::string& file, int line, int column,
                             const std::string& key_path, const std::string& message)
    : std::runtime_error(where(file, line, column, key_path) + message),
      file_(file),
      line_(line),
      column_(column),
      key_path_(key_path) {}

Scenario load_scenario_text(const std::string& text, const std::string& file,
                            const Catalog& catalog) {
  YAML::Node document = parse_single_document(text, file);
  YAML::Mark start;
  start.line = 0;
  start.column = 0;
  Field root(document, "", &file, start);
  if (!root.is_map()) root.fail_expected("a mapping with name, duration and fleet");
  return read_scenario(root, catalog);
}

Scenario load_scenario_file(const std::string& path, const Catalog& catalog) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ScenarioError(path, 0, 0, "",
                        std::string("cannot open the file (") + std::strerror(errno) + ")");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_scenario_text(text.str(), path, catalog);
}

}  // namespace mqttbed::scenario
