// MQTT 5 subscription options and identifiers, both ways: No Local, Retain Handling,
// Subscription Identifiers (subscription_options), Retain As Published (deliveries), and the
// QoS/retained promises not owing what the options exclude.
#include <gtest/gtest.h>

#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

constexpr std::uint8_t kNoLocal = 1;
constexpr std::uint8_t kRetainAsPublished = 2;
constexpr std::uint8_t kRetainHandling1 = 1 << 2;
constexpr std::uint8_t kRetainHandling2 = 2 << 2;

void subscribe(Bed& bed, const std::string& name, const std::string& filter, int qos,
               std::uint8_t options, std::uint32_t id = 0) {
  bed[name].subscribe_sent(filter, qos, options, id);
  bed.tick();
  bed[name].suback(filter, qos);
  bed.tick();
}

TEST(SubscriptionOptionsChecker, OwnMessageOnNoLocalFails) {  // MQTT-3.8.3-3
  Bed bed({"subscription_options"});
  bed.connect("c");
  subscribe(bed, "c", "t/#", 1, kNoLocal);
  auto sent = bed.publish("c", "t/a", 1);
  bed.deliver("c", "t/a", 1, sent);
  const Verdict& v = bed.verdict("subscription_options");
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.8.3-3");
}

TEST(SubscriptionOptionsChecker, OthersMessagesOnNoLocalPass) {
  Bed bed({"subscription_options", "qos"});
  bed.connect("c");
  bed.connect("p");
  subscribe(bed, "c", "t/#", 1, kNoLocal);
  auto own = bed.publish("c", "t/a", 1);  // not owed to c: no delivery is right
  auto other = bed.publish("p", "t/a", 1);
  bed.deliver("c", "t/a", 1, other);
  (void)own;
  for (const char* name : {"subscription_options", "qos1"}) {
    const Verdict& v = bed.verdict(name);
    EXPECT_TRUE(v.passed) << name << ": " << explain(v);
  }
  EXPECT_EQ(bed.verdict("qos1").counts.lost, 0u);
  EXPECT_EQ(bed.verdict("subscription_options").counts.ok, 1u);
}

// Another matching subscription without No Local entitles the client to its own message.
TEST(SubscriptionOptionsChecker, OwnMessageThroughAnotherFilterPasses) {
  Bed bed({"subscription_options"});
  bed.connect("c");
  subscribe(bed, "c", "t/#", 1, kNoLocal);
  subscribe(bed, "c", "t/a", 1, 0);
  auto sent = bed.publish("c", "t/a", 1);
  bed.deliver("c", "t/a", 1, sent);
  EXPECT_TRUE(bed.verdict("subscription_options").passed);
}

// "p" stores a retained message; "c" subscribes afterwards with `options` and is replayed it.
const Verdict& replayed(Bed& bed, std::uint8_t options, bool resubscribe) {
  bed.connect("p");
  bed.connect("c");
  auto sent = bed.publish("p", "r", 1, "x", /*retain=*/true);
  subscribe(bed, "c", "r", 1, options);
  bed.deliver("c", "r", 1, sent, /*retain=*/true);
  if (resubscribe) {
    subscribe(bed, "c", "r", 1, options);
    bed.deliver("c", "r", 1, sent, /*retain=*/true);
  }
  return bed.verdict("subscription_options");
}

TEST(SubscriptionOptionsChecker, ReplayWithRetainHandling2Fails) {  // MQTT-3.3.1-11
  Bed bed({"subscription_options"});
  const Verdict& v = replayed(bed, kRetainHandling2, false);
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.3.1-11");
}

TEST(SubscriptionOptionsChecker, SecondReplayWithRetainHandling1Fails) {  // MQTT-3.3.1-10
  Bed bed({"subscription_options"});
  const Verdict& v = replayed(bed, kRetainHandling1, true);
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.3.1-10");
}

TEST(SubscriptionOptionsChecker, FirstReplayWithRetainHandling1Passes) {
  Bed bed({"subscription_options", "retained"});
  EXPECT_TRUE(replayed(bed, kRetainHandling1, false).passed);
  EXPECT_TRUE(bed.verdict("retained").passed) << explain(bed.verdict("retained"));
}

// Retain Handling 2: the retained promise owes nothing, so no replay is no loss.
TEST(SubscriptionOptionsChecker, NoReplayWithRetainHandling2IsNotOwed) {
  Bed bed({"subscription_options", "retained"});
  bed.connect("p");
  bed.connect("c");
  bed.publish("p", "r", 1, "x", /*retain=*/true);
  subscribe(bed, "c", "r", 1, kRetainHandling2);
  bed.tick(1'000'000'000);
  bed["c"].disconnect_sent();
  const Verdict& v = bed.verdict("retained");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.lost, 0u);
}

TEST(SubscriptionOptionsChecker, AllIdentifiersOnOneCopyPass) {  // MQTT-3.3.4-4
  Bed bed({"subscription_options"});
  bed.connect("c");
  bed.connect("p");
  subscribe(bed, "c", "t/#", 1, 0, 1);
  subscribe(bed, "c", "t/+", 1, 0, 2);
  auto sent = bed.publish("p", "t/a", 1);
  bed["c"].delivered("t/a", 1, false, false, sent.payload, 0, {2, 1});
  const Verdict& v = bed.verdict("subscription_options");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_GE(v.counts.ok, 2u);
}

TEST(SubscriptionOptionsChecker, MissingIdentifierFails) {  // MQTT-3.3.4-4
  Bed bed({"subscription_options"});
  bed.connect("c");
  bed.connect("p");
  subscribe(bed, "c", "t/#", 1, 0, 1);
  subscribe(bed, "c", "t/+", 1, 0, 2);
  auto sent = bed.publish("p", "t/a", 1);
  bed["c"].delivered("t/a", 1, false, false, sent.payload, 0, {1});
  const Verdict& v = bed.verdict("subscription_options");
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.3.4-4");
}

TEST(SubscriptionOptionsChecker, OneIdentifierPerCopyPasses) {  // MQTT-3.3.4-5
  Bed bed({"subscription_options"});
  bed.connect("c");
  bed.connect("p");
  subscribe(bed, "c", "t/#", 1, 0, 1);
  subscribe(bed, "c", "t/+", 1, 0, 2);
  auto sent = bed.publish("p", "t/a", 1);
  bed["c"].delivered("t/a", 1, false, false, sent.payload, 0, {1});
  bed["c"].delivered("t/a", 1, false, false, sent.payload, 0, {2});
  EXPECT_TRUE(bed.verdict("subscription_options").passed);
}

TEST(SubscriptionOptionsChecker, ForeignIdentifierFails) {  // MQTT-3.3.4-3
  Bed bed({"subscription_options"});
  bed.connect("c");
  bed.connect("p");
  subscribe(bed, "c", "t/#", 1, 0, 1);
  subscribe(bed, "c", "u/#", 1, 0, 9);
  auto sent = bed.publish("p", "t/a", 1);
  bed["c"].delivered("t/a", 1, false, false, sent.payload, 0, {1, 9});
  const Verdict& v = bed.verdict("subscription_options");
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.3.4-3");
}

// Retain As Published, judged by the deliveries check beside the 3.1.1 RETAIN rule.
TEST(SubscriptionOptionsChecker, RetainKeptOnRetainAsPublishedPasses) {
  Bed bed({"deliveries"});
  bed.connect("c");
  bed.connect("p");
  subscribe(bed, "c", "r", 1, kRetainAsPublished);
  auto sent = bed.publish("p", "r", 1, "x", /*retain=*/true);
  bed.deliver("c", "r", 1, sent, /*retain=*/true);
  const Verdict& v = bed.verdict("deliveries");
  EXPECT_TRUE(v.passed) << explain(v);
}

TEST(SubscriptionOptionsChecker, RetainDroppedOnRetainAsPublishedFails) {  // MQTT-3.3.1-13
  Bed bed({"deliveries"});
  bed.connect("c");
  bed.connect("p");
  subscribe(bed, "c", "r", 1, kRetainAsPublished);
  auto sent = bed.publish("p", "r", 1, "x", /*retain=*/true);
  bed.deliver("c", "r", 1, sent, /*retain=*/false);
  const Verdict& v = bed.verdict("deliveries");
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.3.1-13");
}

TEST(SubscriptionOptionsChecker, RetainKeptWithoutRetainAsPublishedStillFails) {  // MQTT-3.3.1-9
  Bed bed({"deliveries"});
  bed.connect("c");
  bed.connect("p");
  subscribe(bed, "c", "r", 1, 0);
  auto sent = bed.publish("p", "r", 1, "x", /*retain=*/true);
  bed.deliver("c", "r", 1, sent, /*retain=*/true);
  EXPECT_FALSE(bed.verdict("deliveries").passed);
}

}  // namespace
}  // namespace mqttbed::check::testing
