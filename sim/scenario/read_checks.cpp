// Readers of checks: (which guarantees to judge) and expect: (thresholds on metrics).
#include <cctype>

#include "sim/scenario/readers.h"
#include "sim/scenario/units.h"

namespace mqttbed::scenario {
namespace {

constexpr Check kAllChecks[] = {Check::qos,           Check::ordering,     Check::retained,
                                Check::will,          Check::sessions,     Check::shadow,
                                Check::isolation,     Check::completeness, Check::reason_codes,
                                Check::message_expiry};

std::vector<std::string> check_names() {
  std::vector<std::string> names;
  for (Check check : kAllChecks) names.emplace_back(to_string(check));
  return names;
}

bool is_metric_name(const std::string& name) {
  // Dotted lower-case words: "latency.qos1.p99".
  if (name.empty() || name.front() == '.' || name.back() == '.') return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool word = std::islower(static_cast<unsigned char>(c)) ||
                std::isdigit(static_cast<unsigned char>(c)) || c == '_';
    if (!word && !(c == '.' && name[i - 1] != '.')) return false;
  }
  return true;
}

// Durations in seconds, sizes in bytes, rates in bit/s, percentages as fractions.
std::optional<double> threshold_value(std::string_view text) {
  if (auto duration = units::parse_duration(text); duration && text != "0") {
    return std::chrono::duration<double>(*duration).count();
  }
  if (auto bytes = units::parse_size_bytes(text); bytes && text != "0") {
    return static_cast<double>(*bytes);
  }
  if (auto rate = units::parse_rate_bps(text)) return *rate;
  if (auto fraction = units::parse_fraction(text)) return *fraction;
  return std::nullopt;
}

Expectation read_expectation(const std::string& metric, const Field& field) {
  const std::string expected =
      "a quoted comparison like \"< 500ms\", \"<= 1KiB\", \">= 99%\" or \"== 0\"";
  if (!is_metric_name(metric)) {
    field.fail("found metric name '" + metric +
               "', expected dotted lower-case words like latency.qos1.p99");
  }
  Expectation expectation;
  expectation.metric = metric;
  expectation.mark = field.mark();
  if (!field.is_scalar()) field.fail_expected(expected);
  expectation.text = field.as_string();
  std::string_view text(expectation.text);
  constexpr std::pair<std::string_view, Expectation::Op> kOps[] = {{"<=", Expectation::Op::le},
                                                                   {">=", Expectation::Op::ge},
                                                                   {"==", Expectation::Op::eq},
                                                                   {"<", Expectation::Op::lt},
                                                                   {">", Expectation::Op::gt}};
  bool matched = false;
  for (const auto& [symbol, op] : kOps) {
    if (text.substr(0, symbol.size()) == symbol) {
      expectation.op = op;
      text.remove_prefix(symbol.size());
      matched = true;
      break;
    }
  }
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  auto value = threshold_value(text);
  if (!matched || !value) field.fail_expected(expected);
  expectation.value = *value;
  return expectation;
}

}  // namespace

std::vector<Check> read_checks(const Field& field) {
  std::vector<Check> checks;
  auto names = check_names();
  for (const Field& item : field.items()) {
    std::string name = item.is_scalar() ? item.as_string() : "";
    bool found = false;
    for (Check check : kAllChecks) {
      if (name != to_string(check)) continue;
      found = true;
      for (Check seen : checks) {
        if (seen == check) item.fail("found check '" + name + "' twice, expected each once");
      }
      checks.push_back(check);
    }
    if (!found) item.fail_expected(join_alternatives(names) + did_you_mean(name, names));
  }
  return checks;
}

std::vector<Check> all_checks() { return {std::begin(kAllChecks), std::end(kAllChecks)}; }

std::vector<Expectation> read_expect(const Field& field) {
  std::vector<Expectation> expect;
  for (const auto& [metric, value] : field.entries()) {
    expect.push_back(read_expectation(metric, value));
  }
  return expect;
}

}  // namespace mqttbed::scenario
