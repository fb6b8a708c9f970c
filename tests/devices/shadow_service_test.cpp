// The shadow service: versions, optimistic locking, deltas, get, and the deliberate version-reuse
// bug.
#include "devices/shadow_service.h"

#include <gtest/gtest.h>

#include "tests/devices/device_harness.h"

namespace mqttbed::devices {
namespace {

using testing::parse;
constexpr char kThing[] = "acct1-home1-light0";

class ShadowServiceTest : public ::testing::Test {
 protected:
  ShadowServiceTest() : harness("shadow") {}
  void boot() {
    service = harness.make(shadow_identity());
    service->start();
    client().accept(false);
  }
  testing::FakeMqttClient& client() { return harness.client("cloud-shadow"); }
  std::vector<testing::SentPublish> sent(const std::string& suffix) {
    return client().publishes_to(shadow_topic(kThing, suffix));
  }
  void update(const std::string& payload) {
    client().deliver(shadow_topic(kThing, "update"), payload);
  }

  testing::DeviceHarness harness;
  std::unique_ptr<Device> service;
};

TEST_F(ShadowServiceTest, SubscribesToEveryThingsUpdateAndGet) {
  boot();
  EXPECT_EQ(client().subscriptions(),
            (std::vector<std::string>{"$aws/things/+/shadow/update", "$aws/things/+/shadow/get"}));
}

TEST_F(ShadowServiceTest, EachAcceptedUpdateIncrementsTheVersion) {
  boot();
  update(R"({"state":{"desired":{"power":"on"}}})");
  update(R"({"state":{"reported":{"power":"on"}},"version":1})");
  update(R"({"state":{"desired":{"brightness":40}}})");
  const auto accepted = sent("update/accepted");
  ASSERT_EQ(accepted.size(), 3u);
  EXPECT_EQ(parse(accepted[0].payload)["version"], 1);
  EXPECT_EQ(parse(accepted[1].payload)["version"], 2);
  EXPECT_EQ(parse(accepted[2].payload)["version"], 3);
  EXPECT_EQ(accepted[0].qos, 1);
}

TEST_F(ShadowServiceTest, AStaleVersionIsRejectedWith409AndChangesNothing) {
  boot();
  update(R"({"state":{"desired":{"power":"on"}}})");
  update(R"({"state":{"desired":{"power":"off"}}})");
  const std::size_t documents_before = sent("update/documents").size();
  update(R"({"state":{"reported":{"power":"off"}},"version":1,"clientToken":"t1"})");

  const auto rejected = sent("update/rejected");
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(parse(rejected[0].payload)["code"], 409);
  EXPECT_EQ(parse(rejected[0].payload)["clientToken"], "t1");
  EXPECT_EQ(sent("update/documents").size(), documents_before);
  const ShadowDocument* document = static_cast<ShadowService&>(*service).store().find(kThing);
  ASSERT_NE(document, nullptr);
  EXPECT_EQ(document->version, 2);
  EXPECT_TRUE(document->reported.empty());
}

TEST_F(ShadowServiceTest, PublishesDeltaWhileDesiredDiffersFromReported) {
  boot();
  update(R"({"state":{"desired":{"power":"on","brightness":40}}})");
  auto deltas = sent("update/delta");
  ASSERT_EQ(deltas.size(), 1u);
  EXPECT_EQ(parse(deltas[0].payload)["state"], parse(R"({"power":"on","brightness":40})"));
  EXPECT_EQ(parse(deltas[0].payload)["version"], 1);

  update(R"({"state":{"reported":{"power":"on","brightness":40}},"version":1})");
  EXPECT_EQ(sent("update/delta").size(), 1u) << "delta sent although reported matches";
}

TEST_F(ShadowServiceTest, DocumentsCarryPreviousAndCurrentState) {
  boot();
  update(R"({"state":{"desired":{"power":"on"}}})");
  update(R"({"state":{"reported":{"power":"on"}}})");
  const auto documents = sent("update/documents");
  ASSERT_EQ(documents.size(), 2u);
  const auto last = parse(documents[1].payload);
  EXPECT_EQ(last["previous"]["version"], 1);
  EXPECT_EQ(last["current"]["version"], 2);
  EXPECT_EQ(last["current"]["state"]["reported"]["power"], "on");
  EXPECT_EQ(last["current"]["state"]["desired"]["power"], "on");
}

TEST_F(ShadowServiceTest, GetAnswersTheDocumentOr404) {
  boot();
  client().deliver(shadow_topic(kThing, "get"), "{}");
  ASSERT_EQ(sent("get/rejected").size(), 1u);
  EXPECT_EQ(parse(sent("get/rejected")[0].payload)["code"], 404);

  update(R"({"state":{"desired":{"power":"on"},"reported":{"power":"off"}}})");
  client().deliver(shadow_topic(kThing, "get"), "{}");
  ASSERT_EQ(sent("get/accepted").size(), 1u);
  const auto body = parse(sent("get/accepted")[0].payload);
  EXPECT_EQ(body["version"], 1);
  EXPECT_EQ(body["state"]["delta"]["power"], "on");
}

TEST_F(ShadowServiceTest, NullRemovesAField) {
  boot();
  update(R"({"state":{"desired":{"power":"on","brightness":3}}})");
  update(R"({"state":{"desired":{"brightness":null}}})");
  const ShadowDocument* document = static_cast<ShadowService&>(*service).store().find(kThing);
  EXPECT_EQ(document->desired, parse(R"({"power":"on"})"));
}

TEST_F(ShadowServiceTest, MalformedUpdateIsRejectedWith400) {
  boot();
  update("not json");
  ASSERT_EQ(sent("update/rejected").size(), 1u);
  EXPECT_EQ(parse(sent("update/rejected")[0].payload)["code"], 400);
  EXPECT_EQ(static_cast<ShadowService&>(*service).store().find(kThing), nullptr);
}

TEST_F(ShadowServiceTest, ReuseVersionKeepsTheVersionOnSomeUpdates) {
  harness.misbehave = true;
  boot();
  for (int i = 0; i < 4; ++i) update(R"({"state":{"desired":{"power":"on"}}})");
  std::vector<int> versions;
  for (const auto& accepted : sent("update/accepted")) {
    versions.push_back(parse(accepted.payload)["version"]);
  }
  EXPECT_EQ(versions, (std::vector<int>{1, 1, 2, 2}));
}

TEST_F(ShadowServiceTest, DocumentsSurviveAReboot) {
  boot();
  update(R"({"state":{"desired":{"power":"on"}}})");
  service->reboot();
  client().accept(false);
  update(R"({"state":{"desired":{"power":"off"}}})");
  EXPECT_EQ(parse(sent("update/accepted").back().payload)["version"], 2);
}

}  // namespace
}  // namespace mqttbed::devices
