// Completeness checker: seq/total streams arrive complete and in order, or gaps are reported.
#include <gtest/gtest.h>

#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

std::string reading(int seq, int total) {
  return R"({"value":21.5,"seq":)" + std::to_string(seq) + R"(,"total":)" + std::to_string(total) +
         "}";
}

class StreamBed : public Bed {
 public:
  StreamBed() : Bed({"completeness"}) {
    connect("sensor");
    connect("app");
    subscribe("app", "t/#", 0);
  }
  // Publishes seq 1..total `cycles` times; returns the publishes in order.
  std::vector<history::EnvelopedPublish> stream(int total, int cycles = 1) {
    std::vector<history::EnvelopedPublish> out;
    for (int c = 0; c < cycles; ++c) {
      for (int s = 1; s <= total; ++s)
        out.push_back(publish("sensor", "t/x", 0, reading(s, total)));
    }
    return out;
  }
  void deliver_all(const std::vector<history::EnvelopedPublish>& messages,
                   std::vector<std::size_t> skip = {}) {
    for (std::size_t i = 0; i < messages.size(); ++i) {
      if (std::find(skip.begin(), skip.end(), i) == skip.end()) {
        deliver("app", "t/x", 0, messages[i]);
      }
    }
  }
};

TEST(CompletenessChecker, CompleteStreamAcrossCyclesPasses) {
  StreamBed bed;
  bed.deliver_all(bed.stream(3, 3));
  const Verdict& v = bed.verdict("completeness");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.ok, 9u);
}

// The app left the view (UNSUBSCRIBE) with seq 1 still buffered for it (MQTT-3.10.4-3), then
// came back: seq 2 was published while it held no subscription, so the gap is explained.
TEST(CompletenessChecker, GapAfterADeliveryBufferedAcrossAnUnsubscribeIsExplained) {
  StreamBed bed;
  auto messages = bed.stream(3);
  bed.deliver("app", "t/x", 0, messages[0]);
  bed["app"].unsubscribe_sent("t/#");
  bed.tick();
  bed["app"].unsuback("t/#");
  bed.tick();
  bed.deliver("app", "t/x", 0, messages[1]);  // in flight across the UNSUBSCRIBE
  bed.subscribe("app", "t/#", 0);
  auto more = bed.stream(3);
  bed.deliver("app", "t/x", 0, more[2]);
  const Verdict& v = bed.verdict("completeness");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.lost, 0u);
}

TEST(CompletenessChecker, GapInTheMiddleFails) {
  StreamBed bed;
  bed.deliver_all(bed.stream(5), {2});
  const Verdict& v = bed.verdict("completeness");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.lost, 1u);
  EXPECT_NE(v.violations.at(0).invariant.find("gap 3/5..3/5"), std::string::npos)
      << v.violations.at(0).invariant;
}

TEST(CompletenessChecker, GapAcrossACycleBoundaryFails) {
  StreamBed bed;
  bed.deliver_all(bed.stream(3, 2), {2, 3});
  EXPECT_EQ(bed.verdict("completeness").counts.lost, 2u);
}

TEST(CompletenessChecker, MissingTailFails) {
  StreamBed bed;
  bed.deliver_all(bed.stream(4), {3});
  const Verdict& v = bed.verdict("completeness");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.lost, 1u);
}

TEST(CompletenessChecker, GapWhileTheSubscriberWasOfflineIsOnlyCounted) {
  StreamBed bed;
  auto first = bed.stream(2);
  bed.deliver_all(first);
  bed["app"].connection_lost("network");
  auto missed = bed.publish("sensor", "t/x", 0, reading(1, 2));
  bed.connect("app");
  bed.subscribe("app", "t/#", 0);
  auto next = bed.publish("sensor", "t/x", 0, reading(2, 2));
  bed.deliver("app", "t/x", 0, next);
  const Verdict& v = bed.verdict("completeness");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.indeterminate, 1u);
  (void)missed;
}

TEST(CompletenessChecker, GapAfterThePublisherLostItsConnectionIsOnlyCounted) {
  StreamBed bed;
  auto m1 = bed.publish("sensor", "t/x", 0, reading(1, 3));
  bed.publish("sensor", "t/x", 0, reading(2, 3));
  bed["sensor"].connection_lost("network");
  bed.connect("sensor");
  auto m3 = bed.publish("sensor", "t/x", 0, reading(3, 3));
  bed.deliver("app", "t/x", 0, m1);
  bed.deliver("app", "t/x", 0, m3);
  EXPECT_TRUE(bed.verdict("completeness").passed);
}

TEST(CompletenessChecker, RedeliveryWithoutDupIsNotOutOfOrder) {
  StreamBed bed;
  auto messages = bed.stream(3);
  bed.deliver_all(messages);
  bed.deliver("app", "t/x", 0, messages[1]);  // a publisher's resend, forwarded with DUP=0
  EXPECT_TRUE(bed.verdict("completeness").passed) << explain(bed.verdict("completeness"));
}

TEST(CompletenessChecker, LateMessageCountsAsOutOfOrderNotLost) {
  StreamBed bed;
  auto messages = bed.stream(5);
  bed.deliver_all(messages, {1, 2});
  bed.deliver("app", "t/x", 0, messages[2]);  // 3/5 arrives late; 2/5 never does
  const Verdict& v = bed.verdict("completeness");
  EXPECT_EQ(v.counts.lost, 1u);
  EXPECT_EQ(v.counts.unexpected, 1u);
  EXPECT_EQ(v.violation_count, 2u);
}

TEST(CompletenessChecker, OutOfOrderFails) {
  StreamBed bed;
  auto messages = bed.stream(3);
  bed.deliver("app", "t/x", 0, messages[0]);
  bed.deliver("app", "t/x", 0, messages[2]);
  bed.deliver("app", "t/x", 0, messages[1]);
  const Verdict& v = bed.verdict("completeness");
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.unexpected, 1u);
}

}  // namespace
}  // namespace mqttbed::check::testing
