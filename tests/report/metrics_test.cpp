#include "sim/report/metrics.h"

#include <gtest/gtest.h>

#include "tests/report/event_builder.h"

namespace mqttbed::report {
namespace {

using testing::EventBuilder;
using testing::kMs;

class MetricsTest : public ::testing::Test {
 protected:
  MetricsOptions options() {
    MetricsOptions o;
    o.horizon = std::chrono::seconds(60);
    o.publish_ttl = std::chrono::seconds(10);
    return o;
  }
  history::History history_;
  EventBuilder events_{history_};
  Metrics metrics_{history_, options()};
  void SetUp() override { metrics_.attach(history_); }
};

TEST(MetricsKindTest, KindIsTheClientIdsLastPartWithoutIndex) {
  EXPECT_EQ(Metrics::kind_of("acct3-home3-light0"), "light");
  EXPECT_EQ(Metrics::kind_of("acct3-app0"), "app");
  EXPECT_EQ(Metrics::kind_of("cloud-shadow"), "shadow");
  EXPECT_EQ(Metrics::kind_of("h12-light-3"), "light");
  EXPECT_EQ(Metrics::kind_of("sensor12"), "sensor");
  EXPECT_EQ(Metrics::kind_of("42"), "unknown");
}

TEST_F(MetricsTest, DeliveryIsTimedAgainstItsOwnPublishByIdentity) {
  history_.append(events_.publish(0, "acct0-home0-light0", 1, 1));
  history_.append(events_.publish(1 * kMs, "acct0-home0-light0", 2, 1));
  history_.append(events_.deliver(21 * kMs, "acct0-app0", "acct0-home0-light0", 2, 1));
  history_.append(events_.deliver(30 * kMs, "acct0-app0", "acct0-home0-light0", 1, 1));
  const Histogram& qos1 = metrics_.latency_qos(1);
  ASSERT_EQ(qos1.count(), 2u);
  EXPECT_EQ(qos1.min(), 20 * kMs);
  EXPECT_EQ(qos1.max(), 30 * kMs);
  EXPECT_EQ(metrics_.latency_qos(0).count(), 0u);
  EXPECT_EQ(metrics_.latency_all().count(), 2u);
  ASSERT_EQ(metrics_.latency_by_kind().count("light"), 1u);
  EXPECT_EQ(metrics_.latency_by_kind().at("light").count(), 2u);
  EXPECT_EQ(metrics_.latency_by_kind().count("app"), 0u);
}

TEST_F(MetricsTest, EveryDeliveryOfOnePublishIsASample) {
  history_.append(events_.publish(0, "acct0-app0", 1, 0));
  history_.append(events_.deliver(5 * kMs, "acct0-home0-light0", "acct0-app0", 1, 0));
  history_.append(events_.deliver(7 * kMs, "acct0-home0-light1", "acct0-app0", 1, 0));
  EXPECT_EQ(metrics_.latency_by_kind().at("app").count(), 2u);
  EXPECT_EQ(metrics_.latency_qos(0).max(), 7 * kMs);
}

TEST_F(MetricsTest, RetainedDuplicateAndWillDeliveriesAreNotLatencySamples) {
  history_.append(events_.publish(0, "acct0-app0", 1, 1));
  history::Event retained = events_.deliver(5 * kMs, "acct0-home0-light0", "acct0-app0", 1, 1);
  retained.retain = true;
  history::Event dup = events_.deliver(6 * kMs, "acct0-home0-light0", "acct0-app0", 1, 1);
  dup.dup = true;
  history::Event will = events_.deliver(7 * kMs, "acct0-home0-light0", "acct0-app0", 1, 1);
  will.is_will = true;
  history_.append(retained);
  history_.append(dup);
  history_.append(will);
  EXPECT_EQ(metrics_.latency_all().count(), 0u);
  EXPECT_EQ(metrics_.counters().delivered, 3u);
  EXPECT_EQ(metrics_.counters().delivered_retained, 1u);
  EXPECT_EQ(metrics_.counters().delivered_duplicates, 1u);
  EXPECT_EQ(metrics_.counters().wills_delivered, 1u);
}

TEST_F(MetricsTest, PublishesAreForgottenAfterTheirTimeToLive) {
  history_.append(events_.publish(0, "acct0-app0", 1, 1));
  EXPECT_EQ(metrics_.outstanding_publishes(), 1u);
  // 11 s later (TTL 10 s) the entry is gone, so memory stays bounded on long runs.
  history_.append(events_.deliver(11'000 * kMs, "acct0-home0-light0", "acct0-app0", 1, 1));
  EXPECT_EQ(metrics_.outstanding_publishes(), 0u);
  EXPECT_EQ(metrics_.counters().delivered_unmatched, 1u);
  EXPECT_EQ(metrics_.latency_all().count(), 0u);
}

TEST_F(MetricsTest, RetransmittedPublishKeepsItsFirstSendTime) {
  history_.append(events_.publish(0, "acct0-app0", 1, 1));
  history_.append(events_.publish(100 * kMs, "acct0-app0", 1, 1));
  history_.append(events_.deliver(150 * kMs, "acct0-home0-light0", "acct0-app0", 1, 1));
  EXPECT_EQ(metrics_.latency_all().max(), 150 * kMs);
  EXPECT_EQ(metrics_.counters().published, 2u);
}

TEST_F(MetricsTest, ConnectedClientsFollowConnackAndConnectionEnds) {
  history_.append(events_.connack(0, "a"));
  history_.append(events_.connack(1 * kMs, "b"));
  history_.append(events_.connack(2 * kMs, "c", 5));  // refused
  history_.append(events_.disconnect(3 * kMs, "a"));
  history_.append(events_.lost(4 * kMs, "a"));  // after our DISCONNECT: not counted twice
  history_.append(events_.lost(5 * kMs, "b"));
  history_.append(events_.connack(6 * kMs, "b"));
  const Counters& c = metrics_.counters();
  EXPECT_EQ(c.connects, 3u);
  EXPECT_EQ(c.reconnects, 1u);
  EXPECT_EQ(c.connected_max, 2);
  EXPECT_EQ(c.disconnects, 1u);
  EXPECT_EQ(c.connections_lost, 2u);
  EXPECT_EQ(metrics_.series().connected_clients.current(), 1);
  auto points = metrics_.series().connected_clients.points(1);
  EXPECT_EQ(points[0].max, 2);
  EXPECT_EQ(points[0].min, 0);
}

TEST_F(MetricsTest, WillsFiredCountsEachWillOnceAcrossSubscribers) {
  for (const char* subscriber : {"s1", "s2"}) {
    history::Event will = events_.deliver(kMs, subscriber, "acct0-home0-gateway0", 9, 1);
    will.is_will = true;
    history_.append(will);
  }
  EXPECT_EQ(metrics_.counters().wills_fired, 1u);
  EXPECT_EQ(metrics_.counters().wills_delivered, 2u);
}

TEST_F(MetricsTest, ThroughputSeriesCountMessagesAndBytes) {
  history_.append(events_.publish(0, "p", 1, 0, 100));
  history_.append(events_.publish(10 * kMs, "p", 2, 0, 50));
  history_.append(events_.deliver(20 * kMs, "s", "p", 1, 0, 100));
  EXPECT_EQ(metrics_.series().published_messages.totals(1)[0], 2u);
  EXPECT_EQ(metrics_.series().published_bytes.totals(1)[0], 150u);
  EXPECT_EQ(metrics_.series().delivered_bytes.totals(1)[0], 100u);
  EXPECT_EQ(metrics_.counters().published_bytes, 150u);
}

TEST_F(MetricsTest, BrokerDropsAddUpAcrossACounterReset) {
  metrics_.sample_broker(std::chrono::seconds(1), 5, 2, 1, 0, 10);
  metrics_.sample_broker(std::chrono::seconds(2), 50, 4, 1, 3, 12);
  metrics_.sample_broker(std::chrono::seconds(3), 0, 1, 0, 0, 0);  // restarted broker
  const BrokerTotals& b = metrics_.broker();
  EXPECT_EQ(b.dropped_queue_full, 5u);
  EXPECT_EQ(b.dropped_payload_limit, 1u);
  EXPECT_EQ(b.denied, 3u);
  EXPECT_EQ(b.queued_max, 50u);
  EXPECT_EQ(b.connections_max, 12u);
  EXPECT_EQ(b.samples, 3u);
}

TEST_F(MetricsTest, SeriesOfAnHourStayWithin720Buckets) {
  MetricsOptions hour;
  hour.horizon = std::chrono::hours(1);
  Metrics metrics(history_, hour);
  EXPECT_EQ(metrics.series().published_messages.step_ns(), 5'000'000'000);
}

TEST(MetricsOptionsTest, TimeToLiveCoversSettleAndTheLongestOutage) {
  scenario::Scenario scenario;
  scenario.duration = std::chrono::minutes(10);
  scenario.settle = std::chrono::seconds(30);
  scenario::Fault crash;
  crash.kind = scenario::Fault::Kind::broker_crash;
  crash.downtime = std::chrono::seconds(90);
  scenario.faults.push_back(crash);
  MetricsOptions options = metrics_options_for(scenario);
  EXPECT_EQ(options.horizon, std::chrono::seconds(630));
  EXPECT_EQ(options.publish_ttl, std::chrono::seconds(120));
}

TEST_F(MetricsTest, FaultWindowsComeOutSortedByStart) {
  metrics_.add_fault_window(
      {std::chrono::seconds(20), std::chrono::seconds(30), "partition", "isp"});
  metrics_.add_fault_window(
      {std::chrono::seconds(5), std::chrono::seconds(6), "disconnect", "all"});
  auto windows = metrics_.fault_windows();
  ASSERT_EQ(windows.size(), 2u);
  EXPECT_EQ(windows[0].kind, "disconnect");
  EXPECT_EQ(windows[1].target, "isp");
}

TEST_F(MetricsTest, ShadowAndCommandDurationsAreRecorded) {
  metrics_.record_shadow_convergence(std::chrono::milliseconds(800));
  metrics_.record_command_round_trip(std::chrono::milliseconds(40));
  EXPECT_EQ(metrics_.shadow_convergence().max(), 800 * kMs);
  EXPECT_EQ(metrics_.command_round_trip().count(), 1u);
}

}  // namespace
}  // namespace mqttbed::report
