#include "sim/scenario/units.h"

#include <charconv>
#include <cmath>
#include <utility>

namespace mqttbed::scenario::units {
namespace {

// An unsigned decimal read exactly: value = mantissa / 10^fraction_digits.
struct Decimal {
  std::int64_t mantissa = 0;
  int fraction_digits = 0;
  long double value() const { return mantissa / std::pow(10.0L, fraction_digits); }
};

// Reads "12", "1.5" or "0.25" at the front of `text` and advances past it. Exact (no binary
// floating point), so "0.1KB" is exactly 100 bytes; at most 18 digits.
std::optional<Decimal> take_decimal(std::string_view& text) {
  Decimal decimal;
  int digits = 0;
  bool dot = false;
  std::size_t end = 0;
  for (; end < text.size(); ++end) {
    char c = text[end];
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    if (++digits > 18) return std::nullopt;
    decimal.mantissa = decimal.mantissa * 10 + (c - '0');
    if (dot) ++decimal.fraction_digits;
  }
  if (digits == 0) return std::nullopt;
  text.remove_prefix(end);
  return decimal;
}

__int128 power_of_ten(int exponent) {
  __int128 result = 1;
  for (int i = 0; i < exponent; ++i) result *= 10;
  return result;
}

// Matches one of `table`'s suffixes at the front of `text` (longest first by table order).
template <typename Factor, std::size_t N>
std::optional<Factor> take_unit(std::string_view& text,
                                const std::pair<std::string_view, Factor> (&table)[N]) {
  for (const auto& [suffix, factor] : table) {
    if (text.substr(0, suffix.size()) == suffix) {
      text.remove_prefix(suffix.size());
      return factor;
    }
  }
  return std::nullopt;
}

constexpr std::pair<std::string_view, std::int64_t> kDurationUnits[] = {{"ns", 1},
                                                                        {"us", 1'000},
                                                                        {"ms", 1'000'000},
                                                                        {"s", 1'000'000'000},
                                                                        {"m", 60'000'000'000},
                                                                        {"h", 3'600'000'000'000}};
constexpr std::pair<std::string_view, std::int64_t> kSizeUnits[] = {
    {"KiB", 1024}, {"MiB", 1024 * 1024}, {"GiB", 1024 * 1024 * 1024},
    {"KB", 1'000}, {"MB", 1'000'000},    {"GB", 1'000'000'000},
    {"B", 1}};
constexpr std::pair<std::string_view, long double> kRateUnits[] = {
    {"Kbps", 1e3L}, {"kbps", 1e3L}, {"Mbps", 1e6L}, {"Gbps", 1e9L}, {"bps", 1.0L}};

// 10^18 ns (about 31 years) keeps every result far from int64 overflow, so sums of a few
// durations downstream (at + for, duration + settle) cannot overflow.
constexpr __int128 kMaxNanoseconds = 1'000'000'000'000'000'000;
constexpr __int128 kMaxBytes = 4'000'000'000'000'000'000;

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  if (text == "0") return Duration{0};
  __int128 total_ns = 0;
  bool any = false;
  while (!text.empty()) {
    auto number = take_decimal(text);
    if (!number) return std::nullopt;
    auto factor = take_unit(text, kDurationUnits);
    if (!factor) return std::nullopt;
    __int128 scale = power_of_ten(number->fraction_digits);
    // Rounded to the nearest nanosecond: "0.5ns" is not worth an error.
    total_ns += (static_cast<__int128>(number->mantissa) * *factor + scale / 2) / scale;
    if (total_ns > kMaxNanoseconds) return std::nullopt;
    any = true;
  }
  if (!any) return std::nullopt;
  return Duration{static_cast<std::int64_t>(total_ns)};
}

std::optional<std::int64_t> parse_size_bytes(std::string_view text) {
  if (text == "0") return 0;
  auto number = take_decimal(text);
  if (!number) return std::nullopt;
  auto factor = take_unit(text, kSizeUnits);
  if (!factor || !text.empty()) return std::nullopt;
  __int128 scaled = static_cast<__int128>(number->mantissa) * *factor;
  __int128 scale = power_of_ten(number->fraction_digits);
  if (scaled % scale != 0 || scaled / scale > kMaxBytes) return std::nullopt;
  return static_cast<std::int64_t>(scaled / scale);
}

std::optional<double> parse_rate_bps(std::string_view text) {
  auto number = take_decimal(text);
  if (!number) return std::nullopt;
  auto factor = take_unit(text, kRateUnits);
  if (!factor || !text.empty()) return std::nullopt;
  return static_cast<double>(number->value() * *factor);
}

std::optional<double> parse_fraction(std::string_view text) {
  if (!text.empty() && text.back() == '%') {
    text.remove_suffix(1);
    auto percent = take_decimal(text);
    if (!percent || !text.empty()) return std::nullopt;
    return static_cast<double>(percent->value() / 100.0L);
  }
  return parse_number(text);
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::string_view digits = text.substr(0, 1) == "-" ? text.substr(1) : text;
  if (digits.empty()) return std::nullopt;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  for (char c : text) {
    // from_chars also takes "inf", "nan" and hex digits in some forms: allow only these.
    bool ok = (c >= '0' && c <= '9') || c == '.' || c == '-' || c == 'e' || c == 'E';
    if (!ok) return std::nullopt;
  }
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::string format_duration(Duration duration) {
  std::int64_t ns = duration.count();
  if (ns == 0) return "0s";
  std::string out;
  if (ns < 0) {
    out = "-";
    ns = -ns;
  }
  // Whole hours/minutes/seconds first, then the largest exact sub-second unit.
  constexpr std::pair<const char*, std::int64_t> kParts[] = {
      {"h", 3'600'000'000'000}, {"m", 60'000'000'000}, {"s", 1'000'000'000}};
  for (const auto& [suffix, size] : kParts) {
    if (ns >= size) {
      out += std::to_string(ns / size) + suffix;
      ns %= size;
    }
  }
  if (ns == 0) return out;
  if (ns % 1'000'000 == 0) return out + std::to_string(ns / 1'000'000) + "ms";
  if (ns % 1'000 == 0) return out + std::to_string(ns / 1'000) + "us";
  return out + std::to_string(ns) + "ns";
}

}  // namespace mqttbed::scenario::units
