// Parses the units a person writes in a scenario (durations, sizes, bit rates, fractions)
// into base units. Pure functions over text: the YAML side and error messages live elsewhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/scenario/scenario.h"

namespace mqttbed::scenario::units {

// "500ms", "1.5s", "1m30s", "2h", "0". Units ns/us/ms/s/m/h; several components add up.
// nullopt for anything else, including negative values and values beyond 10^18 ns (~31 years).
std::optional<Duration> parse_duration(std::string_view text);

// "200B", "128KiB", "1.5MB", "0". B, KB/MB/GB (powers of 1000), KiB/MiB/GiB (powers of 1024).
// nullopt unless the result is a whole, non-negative number of bytes below 2^62.
std::optional<std::int64_t> parse_size_bytes(std::string_view text);

// "20Mbps", "10Gbps", "56Kbps", "9600bps" into bits per second; nullopt when malformed.
std::optional<double> parse_rate_bps(std::string_view text);

// "0.5%" (percent) or "0.005" (plain) into a plain number; the caller checks the range.
std::optional<double> parse_fraction(std::string_view text);

// Strict decimal integer: optional '-', digits only (no '+', '0x', '_', spaces or '1.0').
std::optional<std::int64_t> parse_integer(std::string_view text);

// Strict finite decimal number: "-1", "0.5", "2.5e-3"; no "nan", "inf", ".inf" or hex.
std::optional<double> parse_number(std::string_view text);

// Shortest exact human form of a duration for messages: "1m30s", "500ms", "0s".
std::string format_duration(Duration duration);

}  // namespace mqttbed::scenario::units
