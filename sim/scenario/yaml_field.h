// A YAML node that knows where it sits (file, line:col, key path), so every typed read can
// fail with a ScenarioError in the "file:line:col: key.path: found X, expected Y" form.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/scenario/loader.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::scenario {

// The closest candidate within a small edit distance, or "" when nothing is close.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);
// ", did you mean 'x'?" or "" — appended to messages about unknown names.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);
// "0.5", "100", "1e+06": a number short enough for a message.
std::string number_text(double value);
// "a, b or c"
std::string join_alternatives(const std::vector<std::string>& words);

class Field {
 public:
  // `mark` is used when the node itself has none (null values, missing keys).
  Field(const YAML::Node& node, std::string path, const std::string* file, YAML::Mark mark);

  const std::string& path() const { return path_; }
  SourceMark mark() const { return {mark_.line + 1, mark_.column + 1}; }
  const std::string& file() const { return *file_; }
  bool is_map() const { return node_.IsMap(); }
  bool is_sequence() const { return node_.IsSequence(); }
  bool is_scalar() const { return node_.IsScalar(); }

  // What the node is, for "found ..." ("'10 parsecs'", "a mapping", "nothing").
  std::string describe() const;
  // Throws "found <describe()>, expected <expected>".
  [[noreturn]] void fail_expected(const std::string& expected) const;
  // Throws the message as given, at this field.
  [[noreturn]] void fail(const std::string& message) const;
  // Same, at the field's key (for "this key does not belong here"); at the value when the
  // field is not a mapping entry.
  [[noreturn]] void fail_at_key(const std::string& message) const;

  // --- mappings -----------------------------------------------------------------------
  // Requires a mapping whose keys are unique plain strings, all among `allowed`.
  void expect_keys(const std::vector<std::string>& allowed) const;
  // The mapping's entries in file order, after checking keys are unique strings.
  std::vector<std::pair<std::string, Field>> entries() const;
  std::optional<Field> get(const std::string& key) const;
  // Throws "missing required key 'key'" at the mapping when absent.
  Field require(const std::string& key) const;

  // --- sequences ----------------------------------------------------------------------
  std::vector<Field> items() const;

  // --- scalars (strict: no "yes", no "1.0" for integers, no quoted numbers) ------------
  std::string as_string() const;
  std::string as_text() const;  // any non-empty scalar's text, quoted or not
  bool as_bool() const;
  std::int64_t as_int(std::int64_t min, std::int64_t max) const;
  double as_number(double min, double max) const;
  Duration as_duration(Duration min = Duration{0}) const;
  std::int64_t as_size_bytes(std::int64_t min, std::int64_t max) const;
  double as_rate_bps() const;  // > 0
  double as_fraction() const;  // 0..1, "0.5%" or 0.005

 private:
  std::string plain_scalar(const std::string& expected) const;
  void check_unique_string_keys() const;

  YAML::Node node_;
  std::string path_;
  const std::string* file_;
  YAML::Mark mark_;
  YAML::Mark key_mark_;
};

// Key path of a child: "fleet" + "homes" -> "fleet.homes"; keys that are not identifiers
// (expect's metric names with dots) are bracketed: expect["latency.qos1.p99"].
std::string child_path(const std::string& parent, const std::string& key);

}  // namespace mqttbed::scenario
