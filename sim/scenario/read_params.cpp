// Reader of a device group's params: typed and range-checked by the kind's ParamSpecs.
#include <limits>

#include "sim/scenario/readers.h"
#include "sim/scenario/units.h"

namespace mqttbed::scenario {
namespace {

bool has_range(const ParamSpec& spec) { return spec.min <= spec.max; }

std::int64_t int_bound(double bound) {
  constexpr double kLimit = 9.0e18;
  if (bound >= kLimit) return std::numeric_limits<std::int64_t>::max();
  if (bound <= -kLimit) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(bound);
}

Duration read_duration_param(const Field& field, const ParamSpec& spec) {
  if (!has_range(spec)) return field.as_duration();
  Duration min{int_bound(spec.min)};
  Duration max{int_bound(spec.max)};
  Duration value = field.as_duration();
  if (value < min || value > max) {
    field.fail_expected("a duration from " + units::format_duration(min) + " to " +
                        units::format_duration(max));
  }
  return value;
}

double read_fraction_param(const Field& field, const ParamSpec& spec) {
  double value = field.as_fraction();
  if (has_range(spec) && (value < spec.min || value > spec.max)) {
    field.fail_expected("a fraction from " + number_text(spec.min) + " to " +
                        number_text(spec.max));
  }
  return value;
}

ParamValue read_value(const Field& field, const ParamSpec& spec) {
  constexpr auto kAnyInt = std::numeric_limits<std::int64_t>::max();
  switch (spec.type) {
    case ParamType::boolean:
      return field.as_bool();
    case ParamType::integer:
      return has_range(spec) ? field.as_int(int_bound(spec.min), int_bound(spec.max))
                             : field.as_int(-kAnyInt, kAnyInt);
    case ParamType::number:
      return has_range(spec) ? field.as_number(spec.min, spec.max) : field.as_number(0, -1);
    case ParamType::string:
      return field.as_string();
    case ParamType::duration:
      return read_duration_param(field, spec);
    case ParamType::size_bytes:
      return has_range(spec) ? field.as_size_bytes(int_bound(spec.min), int_bound(spec.max))
                             : field.as_size_bytes(0, kAnyInt);
    case ParamType::qos:
      return field.as_int(0, 2);
    case ParamType::fraction:
      return read_fraction_param(field, spec);
  }
  field.fail("found a parameter of an unsupported type, expected a known ParamType");
}

// Catalog defaults written as the "wrong" numeric alternative (5 for a number) still hold
// the right meaning: store them as the type's alternative so Params getters work.
ParamValue normalized_default(const ParamSpec& spec) {
  const ParamValue& value = spec.default_value;
  bool wants_double = spec.type == ParamType::number || spec.type == ParamType::fraction;
  if (wants_double && std::holds_alternative<std::int64_t>(value)) {
    return static_cast<double>(std::get<std::int64_t>(value));
  }
  return value;
}

}  // namespace

Params read_params(const std::optional<Field>& field, const KindSpec& spec) {
  Params params;
  if (field) {
    std::vector<std::string> names;
    for (const auto& param : spec.params) names.push_back(param.name);
    field->expect_keys(names);
    for (const auto& [name, value] : field->entries()) {
      for (const auto& param : spec.params) {
        if (param.name == name) params.set(name, read_value(value, param));
      }
    }
  }
  for (const auto& param : spec.params) {
    if (!params.has(param.name)) params.set(param.name, normalized_default(param));
  }
  return params;
}

}  // namespace mqttbed::scenario
