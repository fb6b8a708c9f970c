// The checkers on their own thread judge exactly what they judge inline: same verdicts,
// violations and excerpts across many batches, names first seen mid-run and transient shadow
// documents; a checker's exception reaches finish(); an abandoned run never hangs.
#include "sim/check/checker_thread.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "sim/check/check_catalog.h"
#include "sim/check/verdict_format.h"
#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

const std::string kThing = "$aws/things/acct1-home0-light0/shadow/";

std::string accepted(int version) {
  return R"({"state":{"desired":{"on":true}},"version":)" + std::to_string(version) + "}";
}

// A run long enough for several batches: clients that appear as it goes, QoS 1 deliveries
// (some lost), shadow documents (transient strings) including a reused version.
void play(Bed& bed, int rounds) {
  bed.connect("cloud-shadow");
  bed.connect("app");
  bed.subscribe("app", kThing + "update/accepted", 1);
  for (int round = 0; round < rounds; ++round) {
    const std::string pub = "pub" + std::to_string(round % 50);
    const std::string sub = "sub" + std::to_string(round % 7);
    if (round < 50) bed.connect(pub);
    if (round < 7) {
      bed.connect(sub);
      bed.subscribe(sub, "a/#", 1);
    }
    auto sent = bed.publish(pub, "a/" + std::to_string(round % 13), 1);
    if (round % 97 != 0) bed.deliver(sub, "a/" + std::to_string(round % 13), 1, sent);
    if (round % 100 == 0) {
      auto reply = bed.publish("cloud-shadow", kThing + "update/accepted", 1,
                               accepted(round == 300 ? 200 : round + 1));
      bed.deliver("app", kThing + "update/accepted", 1, reply);
    }
  }
}

TEST(CheckerThread, JudgesAsTheCheckersDoInline) {
  Bed bed(scenario_check_names());  // inline checkers
  CheckerThread threaded(make_checkers(scenario_check_names()));
  threaded.attach(bed.history);
  play(bed, 40000);
  ASSERT_GT(bed.history.size(), 4 * CheckerThread::kBatchEvents);

  const CheckContext context{bed.now_ns + 1'000'000'000, bed.now_ns + 1};
  const std::vector<Verdict> inline_verdicts = bed.finish(context);
  const std::vector<Verdict> thread_verdicts = threaded.finish(context);
  // Not a vacuous comparison: messages were lost and a shadow version went backwards.
  EXPECT_FALSE(bed.verdict("qos1").passed);
  EXPECT_FALSE(bed.verdict("shadow").passed);
  EXPECT_EQ(to_json(thread_verdicts).dump(1), to_json(inline_verdicts).dump(1));
}

class ThrowingChecker : public Checker {
 public:
  const char* name() const override { return "throwing"; }
  void observe(const history::Event& event, const history::History&) override {
    if (event.type == history::EventType::publish_sent) throw std::runtime_error("checker broke");
  }
  Verdict finish(const CheckContext&) override {
    Verdict verdict;
    verdict.guarantee = name();
    return verdict;
  }
};

std::vector<std::unique_ptr<Checker>> throwing() {
  std::vector<std::unique_ptr<Checker>> checkers;
  checkers.push_back(std::make_unique<ThrowingChecker>());
  return checkers;
}

TEST(CheckerThread, FinishRethrowsWhatACheckerThrewAfterTheRunGoesOn) {
  Bed bed({});
  CheckerThread threaded(throwing());
  threaded.attach(bed.history);
  // Far more batches than the queue holds: the run must not block on a failed checker.
  play(bed, 80000);
  ASSERT_GT(bed.history.size(), (CheckerThread::kQueuedBatches + 2) * CheckerThread::kBatchEvents);
  EXPECT_THROW(
      {
        try {
          threaded.finish(CheckContext{bed.now_ns, 0});
        } catch (const std::runtime_error& error) {
          EXPECT_STREQ(error.what(), "checker broke");
          throw;
        }
      },
      std::runtime_error);
}

TEST(CheckerThread, AnAbandonedRunStopsTheThread) {
  Bed bed({});
  auto threaded = std::make_unique<CheckerThread>(make_checkers(scenario_check_names()));
  threaded->attach(bed.history);
  play(bed, 20000);
  threaded.reset();  // no finish(): the destructor must stop and join the worker
  SUCCEED();
}

}  // namespace
}  // namespace mqttbed::check::testing
