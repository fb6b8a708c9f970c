// The unit parsers: what a person may write for durations, sizes, rates and fractions.
#include "sim/scenario/units.h"

#include <gtest/gtest.h>

namespace mqttbed::scenario::units {
namespace {

using namespace std::chrono_literals;

TEST(DurationUnits, EveryUnitScalesToNanoseconds) {
  EXPECT_EQ(parse_duration("7ns"), Duration(7ns));
  EXPECT_EQ(parse_duration("7us"), Duration(7us));
  EXPECT_EQ(parse_duration("7ms"), Duration(7ms));
  EXPECT_EQ(parse_duration("7s"), Duration(7s));
  EXPECT_EQ(parse_duration("7m"), Duration(7min));
  EXPECT_EQ(parse_duration("7h"), Duration(7h));
}

TEST(DurationUnits, ComponentsAddUpAndDecimalsAreExact) {
  EXPECT_EQ(parse_duration("1m30s"), Duration(90s));
  EXPECT_EQ(parse_duration("1h2m3s4ms"), Duration(1h + 2min + 3s + 4ms));
  EXPECT_EQ(parse_duration("1.5s"), Duration(1500ms));
  EXPECT_EQ(parse_duration("0.1ms"), Duration(100us));
  EXPECT_EQ(parse_duration("0"), Duration(0));
}

TEST(DurationUnits, RejectsMissingUnitsSignsSpacesAndOverflow) {
  EXPECT_FALSE(parse_duration("30"));
  EXPECT_FALSE(parse_duration("-5s"));
  EXPECT_FALSE(parse_duration("5 s"));
  EXPECT_FALSE(parse_duration("5sec"));
  EXPECT_FALSE(parse_duration("s"));
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("1.2.3s"));
  EXPECT_FALSE(parse_duration("99999999999999h"));
  EXPECT_TRUE(parse_duration("277777h"));  // 10^18 ns is the limit
  EXPECT_FALSE(parse_duration("277778h"));
}

TEST(SizeUnits, DecimalAndBinaryPrefixes) {
  EXPECT_EQ(parse_size_bytes("200B"), 200);
  EXPECT_EQ(parse_size_bytes("2KB"), 2000);
  EXPECT_EQ(parse_size_bytes("2KiB"), 2048);
  EXPECT_EQ(parse_size_bytes("3MB"), 3'000'000);
  EXPECT_EQ(parse_size_bytes("3MiB"), 3 * 1024 * 1024);
  EXPECT_EQ(parse_size_bytes("1GB"), 1'000'000'000);
  EXPECT_EQ(parse_size_bytes("1GiB"), 1024LL * 1024 * 1024);
  EXPECT_EQ(parse_size_bytes("0.1KB"), 100);
  EXPECT_EQ(parse_size_bytes("1.5KiB"), 1536);
}

TEST(SizeUnits, RejectsFractionalBytesAndUnknownUnits) {
  EXPECT_FALSE(parse_size_bytes("1.5B"));
  EXPECT_FALSE(parse_size_bytes("200"));
  EXPECT_FALSE(parse_size_bytes("2kb"));
  EXPECT_FALSE(parse_size_bytes("2KiBs"));
  EXPECT_FALSE(parse_size_bytes("-2KB"));
}

TEST(RateUnits, BitsPerSecond) {
  EXPECT_EQ(parse_rate_bps("9600bps"), 9600.0);
  EXPECT_EQ(parse_rate_bps("56Kbps"), 56e3);
  EXPECT_EQ(parse_rate_bps("20Mbps"), 20e6);
  EXPECT_EQ(parse_rate_bps("10Gbps"), 10e9);
  EXPECT_FALSE(parse_rate_bps("20MBps"));
  EXPECT_FALSE(parse_rate_bps("20"));
}

TEST(FractionUnits, PercentOrPlain) {
  EXPECT_DOUBLE_EQ(*parse_fraction("0.5%"), 0.005);
  EXPECT_DOUBLE_EQ(*parse_fraction("20%"), 0.2);
  EXPECT_DOUBLE_EQ(*parse_fraction("0.005"), 0.005);
  EXPECT_FALSE(parse_fraction("%"));
  EXPECT_FALSE(parse_fraction("5 %"));
  EXPECT_FALSE(parse_fraction("nan"));
}

TEST(StrictNumbers, IntegersAreDecimalDigitsOnly) {
  EXPECT_EQ(parse_integer("42"), 42);
  EXPECT_EQ(parse_integer("-3"), -3);
  EXPECT_FALSE(parse_integer("+3"));
  EXPECT_FALSE(parse_integer("1.0"));
  EXPECT_FALSE(parse_integer("0x10"));
  EXPECT_FALSE(parse_integer("1_000"));
  EXPECT_FALSE(parse_integer("99999999999999999999"));
  EXPECT_FALSE(parse_integer("-"));
}

TEST(StrictNumbers, NumbersAreFinite) {
  EXPECT_EQ(parse_number("0.5"), 0.5);
  EXPECT_EQ(parse_number("2.5e-3"), 0.0025);
  EXPECT_FALSE(parse_number(".inf"));
  EXPECT_FALSE(parse_number("nan"));
  EXPECT_FALSE(parse_number("1e999"));
  EXPECT_FALSE(parse_number(""));
}

TEST(DurationFormat, ShortestExactForm) {
  EXPECT_EQ(format_duration(Duration(90s)), "1m30s");
  EXPECT_EQ(format_duration(Duration(500ms)), "500ms");
  EXPECT_EQ(format_duration(Duration(1h + 1500us)), "1h1500us");
  EXPECT_EQ(format_duration(Duration(0)), "0s");
}

}  // namespace
}  // namespace mqttbed::scenario::units
