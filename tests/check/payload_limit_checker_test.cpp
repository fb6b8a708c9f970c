// Payload limit checker: over the declared limit (envelope counted) refused, within accepted.
#include <gtest/gtest.h>

#include "sim/history/envelope.h"
#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

constexpr std::int64_t kLimit = 1000;

class LimitBed : public Bed {
 public:
  LimitBed() : Bed({"payload_limit"}) {
    connect("pub");
    connect("sub");
    subscribe("sub", "a/#", 1);
  }
  // A payload whose size on the wire (with pub's envelope for its next seq) is `wire` bytes.
  std::string payload_of_wire_size(std::size_t wire, std::uint64_t seq) {
    return std::string(wire - history::envelope::overhead_bytes("pub", seq), 'x');
  }
  const Verdict& judge(std::int64_t limit = kLimit) {
    CheckContext context{now_ns + 1'000'000'000, now_ns + 1};
    context.payload_limit_bytes = limit;
    return finish(context).at(0);
  }
};

TEST(PayloadLimitChecker, RefusedOversizedAndDeliveredWithinLimitPass) {
  LimitBed bed;
  auto at_limit = bed.publish("pub", "a/b", 1, bed.payload_of_wire_size(kLimit, 1));
  bed.deliver("sub", "a/b", 1, at_limit);
  // One byte over, counted with the envelope: never delivered.
  bed.publish("pub", "a/b", 0, bed.payload_of_wire_size(kLimit + 1, 2));
  const Verdict& v = bed.judge();
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.checked, 2u);
  EXPECT_EQ(v.counts.ok, 2u);
}

TEST(PayloadLimitChecker, DeliveredOversizedPayloadFails) {
  LimitBed bed;
  auto over = bed.publish("pub", "a/b", 1, bed.payload_of_wire_size(kLimit + 1, 1));
  bed.deliver("sub", "a/b", 1, over);
  const Verdict& v = bed.judge();
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.counts.unexpected, 1u);
  ASSERT_EQ(v.violations.size(), 1u);
  EXPECT_EQ(v.violations[0].messages, (std::vector<std::string>{"pub#1"}));
  EXPECT_EQ(v.violations[0].clients, (std::vector<std::string>{"pub", "sub"}));
}

// The application payload alone fits; with the envelope in front it does not.
TEST(PayloadLimitChecker, TheEnvelopeCountsTowardsTheLimit) {
  LimitBed bed;
  auto sent = bed.publish("pub", "a/b", 1, std::string(kLimit, 'x'));
  bed.deliver("sub", "a/b", 1, sent);
  EXPECT_FALSE(bed.judge().passed);
}

TEST(PayloadLimitChecker, UnansweredPayloadWithinTheLimitIsIndeterminate) {
  LimitBed bed;
  bed.publish("pub", "a/b", 0, "small");  // QoS 0, delivered to nobody: nothing to tell
  const Verdict& v = bed.judge();
  EXPECT_TRUE(v.passed);
  EXPECT_EQ(v.counts.indeterminate, 1u);
  EXPECT_TRUE(v.nothing_checked());
}

TEST(PayloadLimitChecker, WithoutADeclaredLimitNothingIsJudged) {
  LimitBed bed;
  auto sent = bed.publish("pub", "a/b", 1, std::string(5000, 'x'));
  bed.deliver("sub", "a/b", 1, sent);
  const Verdict& v = bed.judge(0);
  EXPECT_TRUE(v.passed);
  EXPECT_EQ(v.counts.checked, 0u);
}

}  // namespace
}  // namespace mqttbed::check::testing
