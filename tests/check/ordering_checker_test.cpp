// Ordering checker: first deliveries per (publisher, subscriber, topic, QoS) in publish order.
#include <gtest/gtest.h>

#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

class OrderingBed : public Bed {
 public:
  OrderingBed() : Bed({"ordering"}) {
    connect("pub");
    connect("sub");
    subscribe("sub", "a/#", 1);
  }
};

TEST(OrderingChecker, DeliveriesInPublishOrderPass) {
  OrderingBed bed;
  auto m1 = bed.publish("pub", "a/b", 1);
  auto m2 = bed.publish("pub", "a/b", 1);
  bed.deliver("sub", "a/b", 1, m1);
  bed.deliver("sub", "a/b", 1, m2);
  const Verdict& v = bed.verdict("ordering");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 2u);
}

// On a broker profile that promises no order (aws-iot), the same history is neither a
// violation nor a silent pass: the verdict says the promise is not made and what was seen.
TEST(OrderingChecker, ReorderingOnAProfileWithoutOrderingIsReportedNotPromised) {
  OrderingBed bed;
  auto m1 = bed.publish("pub", "a/b", 1);
  auto m2 = bed.publish("pub", "a/b", 1);
  bed.deliver("sub", "a/b", 1, m2);
  bed.deliver("sub", "a/b", 1, m1);
  CheckContext context{bed.now_ns + 1'000'000'000, bed.now_ns + 1};
  context.broker_ordering = false;
  const Verdict& v = bed.finish(context).at(0);
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_TRUE(v.violations.empty());
  EXPECT_FALSE(v.nothing_checked());
  EXPECT_NE(v.not_promised.find("no ordering promise"), std::string::npos) << v.not_promised;
  EXPECT_NE(v.not_promised.find("1 of 2"), std::string::npos) << v.not_promised;
}

TEST(OrderingChecker, ReorderedFirstDeliveriesFail) {
  OrderingBed bed;
  auto m1 = bed.publish("pub", "a/b", 1);
  auto m2 = bed.publish("pub", "a/b", 1);
  bed.deliver("sub", "a/b", 1, m2);
  bed.deliver("sub", "a/b", 1, m1);
  const Verdict& v = bed.verdict("ordering");
  EXPECT_FALSE(v.passed);
  ASSERT_EQ(v.violations.size(), 1u);
  EXPECT_EQ(v.violations[0].spec, "MQTT-4.6.0-6");
  EXPECT_EQ(v.violations[0].messages, (std::vector<std::string>{"pub#2", "pub#1"}));
  EXPECT_EQ(v.violations[0].excerpt.size(), 2u);
}

TEST(OrderingChecker, RedeliveryOfAnEarlierMessageIsNotAReorder) {
  OrderingBed bed;
  auto m1 = bed.publish("pub", "a/b", 1);
  auto m2 = bed.publish("pub", "a/b", 1);
  bed.deliver("sub", "a/b", 1, m1);
  bed.deliver("sub", "a/b", 1, m2);
  bed.deliver("sub", "a/b", 1, m1, false, /*dup=*/true);
  EXPECT_TRUE(bed.verdict("ordering").passed);
}

TEST(OrderingChecker, DifferentTopicsAndQosAreSeparateStreams) {
  OrderingBed bed;
  auto on_b = bed.publish("pub", "a/b", 1);
  auto on_c = bed.publish("pub", "a/c", 1);
  auto qos0 = bed.publish("pub", "a/b", 0);
  auto qos1 = bed.publish("pub", "a/b", 1);
  bed.deliver("sub", "a/c", 1, on_c);
  bed.deliver("sub", "a/b", 0, qos0);
  bed.deliver("sub", "a/b", 1, on_b);
  bed.deliver("sub", "a/b", 1, qos1);
  const Verdict& v = bed.verdict("ordering");
  EXPECT_TRUE(v.passed) << explain(v);
}

TEST(OrderingChecker, MissingMessagesAreNotAReorder) {
  OrderingBed bed;
  bed.publish("pub", "a/b", 0);
  auto m2 = bed.publish("pub", "a/b", 0);
  bed.deliver("sub", "a/b", 0, m2);
  EXPECT_TRUE(bed.verdict("ordering").passed);
}

}  // namespace
}  // namespace mqttbed::check::testing
