#include "sim/report/expectations.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/report/event_builder.h"

namespace mqttbed::report {
namespace {

using Op = scenario::Expectation::Op;
using testing::EventBuilder;
using testing::kMs;

scenario::Expectation expect(const std::string& metric, Op op, double value) {
  scenario::Expectation e;
  e.metric = metric;
  e.op = op;
  e.value = value;
  return e;
}

class ExpectationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    metrics_.attach(history_);
    // Two QoS 1 messages from a light: 20 ms and 40 ms to the app; one reconnect.
    history_.append(events_.connack(0, "acct0-home0-light0"));
    history_.append(events_.publish(0, "acct0-home0-light0", 1, 1));
    history_.append(events_.publish(0, "acct0-home0-light0", 2, 1));
    history_.append(events_.deliver(20 * kMs, "acct0-app0", "acct0-home0-light0", 1, 1));
    history_.append(events_.deliver(40 * kMs, "acct0-app0", "acct0-home0-light0", 2, 1));
    history_.append(events_.lost(50 * kMs, "acct0-home0-light0"));
    history_.append(events_.connack(60 * kMs, "acct0-home0-light0"));
  }
  history::History history_;
  EventBuilder events_{history_};
  Metrics metrics_{history_, MetricsOptions{}};
};

TEST(MetricPathsTest, DocumentedPathsAreKnown) {
  for (std::string path : known_metric_paths()) {
    if (auto at = path.find("<kind>"); at != std::string::npos) path.replace(at, 6, "light");
    if (auto at = path.find("<stat>"); at != std::string::npos) path.replace(at, 6, "p99");
    EXPECT_TRUE(is_known_metric(path)) << path;
  }
}

TEST(MetricPathsTest, UnknownPathsAreRejected) {
  EXPECT_TRUE(is_known_metric("latency.qos1.p99"));
  EXPECT_TRUE(is_known_metric("latency.all.max"));
  EXPECT_TRUE(is_known_metric("latency.kind.light.p999"));
  EXPECT_TRUE(is_known_metric("wills.fired"));
  EXPECT_FALSE(is_known_metric("latency.qos3.p99"));
  EXPECT_FALSE(is_known_metric("latency.qos1.p98"));
  EXPECT_FALSE(is_known_metric("latency.kind.Light.p99"));
  EXPECT_FALSE(is_known_metric("latency.kind..p99"));
  EXPECT_FALSE(is_known_metric("reconnect"));
  EXPECT_FALSE(is_known_metric(""));
}

TEST(MetricPathsTest, LoadTimeValidationPointsAtTheUnknownMetric) {
  scenario::Scenario scenario;
  scenario.file = "s.yaml";
  scenario.expect = {expect("latency.qos1.p99", Op::lt, 1), expect("latency.qos1.p95", Op::lt, 1)};
  scenario.expect[1].mark = {12, 5};
  try {
    validate_expectation_metrics(scenario);
    FAIL() << "expected ScenarioError";
  } catch (const scenario::ScenarioError& error) {
    EXPECT_EQ(error.line(), 12);
    EXPECT_EQ(error.key_path(), "expect.latency.qos1.p95");
  }
  scenario.expect.pop_back();
  EXPECT_NO_THROW(validate_expectation_metrics(scenario));
}

TEST_F(ExpectationsTest, ValuesAreInBaseUnits) {
  EXPECT_DOUBLE_EQ(*metric_value(metrics_, "latency.qos1.max"), 0.040);
  EXPECT_DOUBLE_EQ(*metric_value(metrics_, "latency.kind.light.min"), 0.020);
  EXPECT_DOUBLE_EQ(*metric_value(metrics_, "latency.all.count"), 2);
  EXPECT_DOUBLE_EQ(*metric_value(metrics_, "reconnects"), 1);
  EXPECT_DOUBLE_EQ(*metric_value(metrics_, "delivered.count"), 2);
  EXPECT_THROW(metric_value(metrics_, "nonsense"), std::invalid_argument);
}

TEST_F(ExpectationsTest, MetThresholdPassesAndMissedThresholdFails) {
  auto results = evaluate_expectations(
      {expect("latency.qos1.p99", Op::lt, 0.5), expect("latency.qos1.p99", Op::lt, 0.01),
       expect("reconnects", Op::le, 1), expect("reconnects", Op::eq, 0)},
      metrics_);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_TRUE(results[0].passed);
  EXPECT_FALSE(results[1].passed);
  EXPECT_TRUE(results[2].passed);
  EXPECT_FALSE(results[3].passed);
  EXPECT_EQ(results[3].message, "reconnects = 1 (expected == 0)");
}

TEST_F(ExpectationsTest, MetricWithoutSamplesFailsRatherThanPassingVacuously) {
  auto results = evaluate_expectations(
      {expect("latency.qos2.p99", Op::lt, 1), expect("latency.kind.sensor.max", Op::lt, 1),
       expect("latency.qos2.count", Op::eq, 0)},
      metrics_);
  EXPECT_FALSE(results[0].passed);
  EXPECT_FALSE(results[0].actual.has_value());
  EXPECT_FALSE(results[1].passed);
  EXPECT_TRUE(results[2].passed);  // a count of nothing is 0, a real value
}

TEST_F(ExpectationsTest, UnknownMetricFailsWithItsName) {
  auto results = evaluate_expectations({expect("latency.p99", Op::lt, 1)}, metrics_);
  EXPECT_FALSE(results[0].passed);
  EXPECT_NE(results[0].message.find("latency.p99"), std::string::npos);
}

TEST_F(ExpectationsTest, EveryComparisonOperatorHolds) {
  auto results = evaluate_expectations(
      {expect("connects", Op::gt, 1), expect("connects", Op::ge, 2), expect("connects", Op::lt, 3),
       expect("connects", Op::le, 2), expect("connects", Op::eq, 2), expect("connects", Op::gt, 2)},
      metrics_);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(results[i].passed) << i;
  EXPECT_FALSE(results[5].passed);
}

}  // namespace
}  // namespace mqttbed::report
