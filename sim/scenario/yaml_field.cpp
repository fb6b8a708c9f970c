#include "sim/scenario/yaml_field.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <limits>
#include <set>

#include "sim/scenario/units.h"

namespace mqttbed::scenario {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      std::size_t cost = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                                 std::tolower(static_cast<unsigned char>(b[j - 1]))
                             ? 0
                             : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool is_identifier(const std::string& key) {
  if (key.empty()) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

std::string shorten(const std::string& text) {
  constexpr std::size_t kMax = 40;
  std::string out;
  for (char c : text.substr(0, kMax)) out += (c == '\n' ? ' ' : c);
  return text.size() > kMax ? out + "..." : out;
}

std::string range_text(std::int64_t min, std::int64_t max) {
  if (max == std::numeric_limits<std::int64_t>::max()) return " >= " + std::to_string(min);
  return " from " + std::to_string(min) + " to " + std::to_string(max);
}

}  // namespace

std::string number_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

namespace {

std::string size_text(std::int64_t bytes) {
  if (bytes % (std::int64_t{1024} * 1024) == 0 && bytes != 0)
    return std::to_string(bytes >> 20) + "MiB";
  if (bytes % 1024 == 0 && bytes != 0) return std::to_string(bytes >> 10) + "KiB";
  return std::to_string(bytes) + "B";
}

}  // namespace

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  // A typo, not a different word: at most a third of the word may change (at least 1).
  std::size_t limit = std::max<std::size_t>(1, (word.size() + 2) / 3);
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best = closest_match(word, candidates);
  return best.empty() ? "" : "; did you mean '" + best + "'?";
}

std::string join_alternatives(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += (i + 1 == words.size()) ? " or " : ", ";
    out += words[i];
  }
  return out;
}

std::string child_path(const std::string& parent, const std::string& key) {
  if (!is_identifier(key)) return parent + "[\"" + shorten(key) + "\"]";
  return parent.empty() ? key : parent + "." + key;
}

Field::Field(const YAML::Node& node, std::string path, const std::string* file, YAML::Mark mark)
    : node_(node), path_(std::move(path)), file_(file), mark_(mark), key_mark_(mark) {
  // yaml-cpp marks a null value at the next token (often the next line): keep the key's.
  if (node_.IsDefined() && !node_.IsNull() && node_.Mark().line >= 0) mark_ = node_.Mark();
}

std::string Field::describe() const {
  if (!node_.IsDefined() || node_.IsNull()) return "nothing";
  if (node_.IsMap()) return "a mapping";
  if (node_.IsSequence()) return "a sequence";
  const std::string& text = node_.Scalar();
  if (node_.Tag() == "?") return "'" + shorten(text) + "'";
  return "\"" + shorten(text) + "\"";
}

void Field::fail_expected(const std::string& expected) const {
  fail("found " + describe() + ", expected " + expected);
}

void Field::fail(const std::string& message) const {
  throw ScenarioError(*file_, mark_.line + 1, mark_.column + 1, path_, message);
}

void Field::fail_at_key(const std::string& message) const {
  throw ScenarioError(*file_, key_mark_.line + 1, key_mark_.column + 1, path_, message);
}

void Field::check_unique_string_keys() const {
  if (!node_.IsMap()) fail_expected("a mapping");
  std::set<std::string> seen;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    Field key(it->first, path_, file_, it->first.Mark());
    if (!it->first.IsScalar()) key.fail_expected("a plain string key");
    const std::string& name = it->first.Scalar();
    key.path_ = child_path(path_, name);
    if (!seen.insert(name).second) {
      key.fail("found key '" + shorten(name) + "' twice, expected each key once");
    }
  }
}

void Field::expect_keys(const std::vector<std::string>& allowed) const {
  check_unique_string_keys();
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const std::string& name = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    Field key(it->first, child_path(path_, name), file_, it->first.Mark());
    if (allowed.empty()) key.fail("found unknown key '" + shorten(name) + "', expected no keys");
    key.fail("found unknown key '" + shorten(name) + "', expected one of " +
             join_alternatives(allowed) + did_you_mean(name, allowed));
  }
}

std::vector<std::pair<std::string, Field>> Field::entries() const {
  check_unique_string_keys();
  std::vector<std::pair<std::string, Field>> out;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const std::string& name = it->first.Scalar();
    out.emplace_back(name, Field(it->second, child_path(path_, name), file_, it->first.Mark()));
  }
  return out;
}

std::optional<Field> Field::get(const std::string& key) const {
  if (!node_.IsMap()) fail_expected("a mapping");
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      return Field(it->second, child_path(path_, key), file_, it->first.Mark());
    }
  }
  return std::nullopt;
}

Field Field::require(const std::string& key) const {
  auto field = get(key);
  if (!field) {
    // Reported at the mapping that lacks it, under the path the key would have had.
    throw ScenarioError(*file_, mark_.line + 1, mark_.column + 1, child_path(path_, key),
                        "missing required key '" + key + "'");
  }
  return *field;
}

std::vector<Field> Field::items() const {
  if (!node_.IsSequence()) fail_expected("a sequence");
  std::vector<Field> out;
  std::size_t index = 0;
  for (auto it = node_.begin(); it != node_.end(); ++it, ++index) {
    out.emplace_back(*it, path_ + "[" + std::to_string(index) + "]", file_, mark_);
  }
  return out;
}

std::string Field::as_string() const {
  if (!node_.IsScalar()) fail_expected("a string");
  return node_.Scalar();
}

std::string Field::as_text() const {
  if (!node_.IsScalar() || node_.Scalar().empty()) fail_expected("a value");
  return node_.Scalar();
}

std::string Field::plain_scalar(const std::string& expected) const {
  // Quoted "42" is a string in YAML; accepting it would hide a mistake the user made.
  if (node_.IsScalar() && node_.Tag() != "?") {
    fail("found " + describe() + " (a quoted string), expected " + expected);
  }
  if (!node_.IsScalar()) fail_expected(expected);
  return node_.Scalar();
}

bool Field::as_bool() const {
  std::string text = plain_scalar("true or false");
  if (text == "true") return true;
  if (text == "false") return false;
  fail_expected("true or false");
}

std::int64_t Field::as_int(std::int64_t min, std::int64_t max) const {
  std::string expected = "an integer" + range_text(min, max);
  auto value = units::parse_integer(plain_scalar(expected));
  if (!value || *value < min || *value > max) fail_expected(expected);
  return *value;
}

double Field::as_number(double min, double max) const {
  std::string expected = "a number";
  if (max >= min) expected += " from " + number_text(min) + " to " + number_text(max);
  auto value = units::parse_number(plain_scalar(expected));
  if (!value || (max >= min && (*value < min || *value > max))) fail_expected(expected);
  return *value;
}

Duration Field::as_duration(Duration min) const {
  const std::string expected = "a duration like 30s, 500ms or 1m30s";
  if (!node_.IsScalar()) fail_expected(expected);
  const std::string& text = node_.Scalar();
  auto value = units::parse_duration(text);
  if (!value) {
    if (!text.empty() && text[0] == '-' && units::parse_duration(text.substr(1))) {
      fail_expected("a duration >= " + units::format_duration(min));
    }
    if (units::parse_number(text)) fail_expected(expected + " (a unit is required)");
    fail_expected(expected);
  }
  if (*value < min) fail_expected("a duration >= " + units::format_duration(min));
  return *value;
}

std::int64_t Field::as_size_bytes(std::int64_t min, std::int64_t max) const {
  const std::string expected = "a size like 200B, 128KiB or 1MB";
  if (!node_.IsScalar()) fail_expected(expected);
  auto value = units::parse_size_bytes(node_.Scalar());
  if (!value) fail_expected(expected);
  if (*value < min || *value > max) {
    fail_expected("a size from " + size_text(min) + " to " + size_text(max));
  }
  return *value;
}

double Field::as_rate_bps() const {
  const std::string expected = "a bit rate > 0 like 100Mbps, 20Mbps or 56Kbps";
  if (!node_.IsScalar()) fail_expected(expected);
  auto value = units::parse_rate_bps(node_.Scalar());
  if (!value || *value <= 0) fail_expected(expected);
  return *value;
}

double Field::as_fraction() const {
  const std::string expected = "a fraction from 0 to 1, like 0.5% or 0.005";
  if (!node_.IsScalar()) fail_expected(expected);
  auto value = units::parse_fraction(node_.Scalar());
  if (!value || *value < 0 || *value > 1) fail_expected(expected);
  return *value;
}

}  // namespace mqttbed::scenario
