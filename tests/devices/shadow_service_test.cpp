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

TEST_F(ShadowServiceTest, SubscribesToEveryThingsRequestsClassicAndNamed) {
  boot();
  EXPECT_EQ(client().subscriptions(),
            (std::vector<std::string>{
                "$aws/things/+/shadow/update", "$aws/things/+/shadow/get",
                "$aws/things/+/shadow/delete", "$aws/things/+/shadow/name/+/update",
                "$aws/things/+/shadow/name/+/get", "$aws/things/+/shadow/name/+/delete"}));
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

TEST_F(ShadowServiceTest, DeleteAnswersTheVersionAndTheNextUpdateCountsOn) {
  boot();
  update(R"({"state":{"desired":{"power":"on"}}})");
  update(R"({"state":{"reported":{"power":"on"}}})");
  client().deliver(shadow_topic(kThing, "delete"), R"({"clientToken":"d1"})");
  ASSERT_EQ(sent("delete/accepted").size(), 1u);
  const auto deleted = parse(sent("delete/accepted")[0].payload);
  EXPECT_EQ(deleted["version"], 2);
  EXPECT_EQ(deleted["clientToken"], "d1");
  EXPECT_TRUE(deleted.contains("timestamp"));
  EXPECT_EQ(static_cast<ShadowService&>(*service).store().find(kThing), nullptr);

  client().deliver(shadow_topic(kThing, "get"), R"({"clientToken":"g1"})");
  EXPECT_EQ(parse(sent("get/rejected").at(0).payload)["code"], 404);
  client().deliver(shadow_topic(kThing, "delete"), R"({"clientToken":"d2"})");
  const auto again = parse(sent("delete/rejected").at(0).payload);
  EXPECT_EQ(again["code"], 404);
  EXPECT_EQ(again["clientToken"], "d2");

  // AWS: a shadow made again within 48 hours follows the deleted one's version.
  update(R"({"state":{"reported":{"power":"off"}}})");
  const auto documents = parse(sent("update/documents").back().payload);
  EXPECT_EQ(documents["previous"]["version"], 2);
  EXPECT_EQ(documents["previous"]["state"], nlohmann::json::object());
  EXPECT_EQ(documents["current"]["version"], 3);
  EXPECT_EQ(documents["current"]["state"], parse(R"({"reported":{"power":"off"}})"));
}

TEST_F(ShadowServiceTest, NamedShadowsAreIndependentDocuments) {
  boot();
  update(R"({"state":{"desired":{"power":"on"}}})");
  client().deliver(shadow_topic(kThing, "name/config/update"),
                   R"({"state":{"reported":{"fade_ms":300}},"clientToken":"c1"})");
  const auto accepted = client().publishes_to(shadow_topic(kThing, "name/config/update/accepted"));
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(parse(accepted[0].payload)["version"], 1);
  EXPECT_EQ(parse(accepted[0].payload)["clientToken"], "c1");
  EXPECT_EQ(client().publishes_to(shadow_topic(kThing, "name/config/update/documents")).size(), 1u);
  EXPECT_EQ(sent("update/accepted").size(), 1u);  // nothing on the classic shadow's topics
  const ShadowStore& store = static_cast<ShadowService&>(*service).store();
  ASSERT_NE(store.find(std::string(kThing) + "/config"), nullptr);
  EXPECT_EQ(store.find(kThing)->version, 1);

  client().deliver(shadow_topic(kThing, "name/config/delete"), "{}");
  EXPECT_EQ(client().publishes_to(shadow_topic(kThing, "name/config/delete/accepted")).size(), 1u);
  EXPECT_NE(store.find(kThing), nullptr) << "deleting a named shadow left the classic one";
  client().deliver(shadow_topic(kThing, "name/other/get"), "{}");
  const auto missing = client().publishes_to(shadow_topic(kThing, "name/other/get/rejected"));
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(parse(missing[0].payload)["message"], "No shadow exists with name: 'other'");
}

TEST_F(ShadowServiceTest, MetadataTimestampsEachFieldAsUpdated) {
  boot();
  harness.runtime.advance(std::chrono::seconds(5));
  update(R"({"state":{"desired":{"power":"on","light":{"level":3}}}})");
  harness.runtime.advance(std::chrono::seconds(5));
  update(R"({"state":{"desired":{"power":"off"},"reported":{"power":"off"}}})");
  const auto accepted = parse(sent("update/accepted").back().payload);
  EXPECT_EQ(
      accepted["metadata"],
      parse(R"({"desired":{"power":{"timestamp":10}},"reported":{"power":{"timestamp":10}}})"));
  client().deliver(shadow_topic(kThing, "get"), "{}");
  const auto got = parse(sent("get/accepted").back().payload);
  EXPECT_EQ(got["metadata"]["desired"],
            parse(R"({"power":{"timestamp":10},"light":{"level":{"timestamp":5}}})"));
  EXPECT_EQ(got["timestamp"], 10);
  update(R"({"state":{"desired":{"light":null}}})");
  client().deliver(shadow_topic(kThing, "get"), "{}");
  EXPECT_FALSE(parse(sent("get/accepted").back().payload)["metadata"]["desired"].contains("light"));
}

TEST_F(ShadowServiceTest, AStateOverTheLimitIsRejectedWith413AndChangesNothing) {
  boot();
  update(R"({"state":{"reported":{"power":"on"}}})");
  const std::string big(kAwsShadowStateLimitBytes, 'x');
  update(R"({"state":{"reported":{"note":")" + big + R"("}},"clientToken":"big"})");
  const auto rejected = parse(sent("update/rejected").at(0).payload);
  EXPECT_EQ(rejected["code"], 413);
  EXPECT_EQ(rejected["message"], "The payload exceeds the maximum size allowed");
  EXPECT_EQ(rejected["clientToken"], "big");
  const ShadowDocument* document = static_cast<ShadowService&>(*service).store().find(kThing);
  EXPECT_EQ(document->version, 1);
  EXPECT_EQ(document->reported, parse(R"({"power":"on"})"));
  // Just under the limit is accepted.
  const std::string fits(kAwsShadowStateLimitBytes - 64, 'x');
  update(R"({"state":{"reported":{"note":")" + fits + R"("}}})");
  EXPECT_EQ(sent("update/accepted").size(), 2u);
}

}  // namespace
}  // namespace mqttbed::devices
