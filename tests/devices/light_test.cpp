// The light: shadow dialogue on connect, deltas applied and reported with the version seen.
#include "devices/light.h"

#include <gtest/gtest.h>

#include "tests/devices/device_harness.h"

namespace mqttbed::devices {
namespace {

using namespace std::chrono_literals;
using testing::parse;

class LightTest : public ::testing::Test {
 protected:
  LightTest() : harness("light"), identity(home_identity(2, 5, "light", 1)) {}
  void boot(bool session_present = false) {
    device = harness.make(identity);
    device->start();
    client().accept(session_present);
  }
  Light& light() { return static_cast<Light&>(*device); }
  testing::FakeMqttClient& client() { return harness.client(identity.client_id); }
  std::string shadow(const std::string& suffix) { return shadow_topic(thing(), suffix); }
  const std::string& thing() const { return identity.client_id; }
  std::vector<testing::SentPublish> updates() { return client().publishes_to(shadow("update")); }

  testing::DeviceHarness harness;
  DeviceIdentity identity;
  std::unique_ptr<Device> device;
};

TEST_F(LightTest, IsNamedAfterItsAccountHomeAndIndex) {
  EXPECT_EQ(thing(), "acct2-home5-light1");
  EXPECT_EQ(state_topic(identity), "platform/acct2/home5/light1/state");
}

TEST_F(LightTest, OnConnectSubscribesToItsShadowAndAsksForIt) {
  boot();
  const auto& subscriptions = client().subscriptions();
  for (const char* suffix :
       {"update/delta", "update/accepted", "update/rejected", "get/accepted", "get/rejected"}) {
    EXPECT_NE(std::find(subscriptions.begin(), subscriptions.end(), shadow(suffix)),
              subscriptions.end())
        << suffix;
  }
  EXPECT_EQ(client().publishes_to(shadow("get")).size(), 1u);
}

TEST_F(LightTest, AsksForItsShadowAgainOnReconnectWithAKeptSession) {
  boot();
  client().lose();
  harness.runtime.advance(harness.runtime.next_timer_in());
  client().accept(/*session_present=*/true);
  EXPECT_EQ(client().publishes_to(shadow("get")).size(), 2u);
}

TEST_F(LightTest, AppliesADeltaAndReportsItWithTheVersionItSaw) {
  boot();
  client().deliver(shadow("update/delta"),
                   R"({"state":{"power":"on","brightness":70},"version":7})");
  EXPECT_TRUE(light().power_on());
  EXPECT_EQ(light().brightness(), 70);
  ASSERT_EQ(updates().size(), 1u);
  const auto report = parse(updates()[0].payload);
  EXPECT_EQ(report["version"], 7);
  EXPECT_EQ(report["state"]["reported"], parse(R"({"power":"on","brightness":70})"));
  EXPECT_FALSE(report["state"].contains("desired"));
  const auto states = client().publishes_to(state_topic(identity));
  ASSERT_FALSE(states.empty());
  EXPECT_EQ(parse(states.back().payload)["brightness"], 70);
}

TEST_F(LightTest, AnUnreachableDesireDrawsNoReportSoNoEndlessDialogue) {
  boot();
  client().deliver(shadow("update/delta"), R"({"state":{"colour":"red"},"version":3})");
  EXPECT_TRUE(updates().empty());
}

TEST_F(LightTest, AVersionConflictMakesItLookAgain) {
  boot();
  client().deliver(shadow("update/rejected"), R"({"code":409,"message":"Version conflict"})");
  EXPECT_EQ(client().publishes_to(shadow("get")).size(), 2u);
}

TEST_F(LightTest, GetAcceptedWithADifferentDesireIsAppliedAndReported) {
  boot();
  client().deliver(shadow("get/accepted"),
                   R"({"state":{"desired":{"power":"on","brightness":20},)"
                   R"("reported":{"power":"off","brightness":0}},"version":4})");
  EXPECT_TRUE(light().power_on());
  ASSERT_EQ(updates().size(), 1u);
  EXPECT_EQ(parse(updates()[0].payload)["version"], 4);
}

TEST_F(LightTest, GetAcceptedMatchingItsStateDrawsNoReport) {
  boot();
  client().deliver(shadow("get/accepted"),
                   R"({"state":{"reported":{"power":"off","brightness":0}},"version":4})");
  EXPECT_TRUE(updates().empty());
  EXPECT_EQ(light().last_seen_version(), 4);
}

TEST_F(LightTest, WithoutAShadowItReportsItsStateToCreateOne) {
  boot();
  client().deliver(shadow("get/rejected"), R"({"code":404})");
  ASSERT_EQ(updates().size(), 1u);
  EXPECT_FALSE(parse(updates()[0].payload).contains("version"));
}

TEST_F(LightTest, ACommandOnItsCommandTopicIsAppliedAndReportedWithoutVersion) {
  boot();
  client().deliver(shadow("get/accepted"),
                   R"({"state":{"reported":{"power":"off","brightness":0}},"version":4})");
  client().deliver(command_topic(identity), R"({"power":"on","brightness":35})");
  EXPECT_TRUE(light().power_on());
  EXPECT_EQ(light().brightness(), 35);
  ASSERT_EQ(updates().size(), 1u);
  EXPECT_FALSE(parse(updates()[0].payload).contains("version"));
}

TEST_F(LightTest, AnUnansweredShadowRequestIsMadeAgainAfterTheTimeout) {
  harness.params.set("shadow_timeout", scenario::Duration(5s));
  boot();
  harness.runtime.advance(4s);
  EXPECT_EQ(client().publishes_to(shadow("get")).size(), 1u);
  harness.runtime.advance(1s);
  EXPECT_EQ(client().publishes_to(shadow("get")).size(), 2u);
}

TEST_F(LightTest, AnAnsweredShadowRequestIsNotRepeated) {
  harness.params.set("shadow_timeout", scenario::Duration(5s));
  boot();
  const auto token = parse(client().publishes_to(shadow("get"))[0].payload)["clientToken"];
  ASSERT_TRUE(token.is_string());
  nlohmann::json answer = parse(R"({"state":{"reported":{"power":"off","brightness":0}}})");
  answer["version"] = 1;
  answer["clientToken"] = token;
  client().deliver(shadow("get/accepted"), answer.dump());
  harness.runtime.advance(30s);
  EXPECT_EQ(client().publishes_to(shadow("get")).size(), 1u);
}

TEST_F(LightTest, ReportsItsStatePeriodically) {
  harness.params.set("report_every", scenario::Duration(20s));
  boot();
  const std::size_t at_connect = client().publishes_to(state_topic(identity)).size();
  harness.runtime.advance(60s);
  EXPECT_EQ(client().publishes_to(state_topic(identity)).size(), at_connect + 3);
}

TEST_F(LightTest, ARebootForgetsTheStateAndAsksTheShadowAgain) {
  boot();
  client().deliver(shadow("update/delta"), R"({"state":{"power":"on"},"version":2})");
  device->reboot();
  EXPECT_FALSE(light().power_on());
  EXPECT_EQ(light().last_seen_version(), 0);
  client().accept(false);
  EXPECT_EQ(client().publishes_to(shadow("get")).size(), 1u);
}

TEST_F(LightTest, AfterItsShadowIsDeletedItMakesItAgainWithoutVersion) {
  boot();
  client().deliver(shadow("get/accepted"),
                   R"({"state":{"reported":{"power":"off","brightness":0}},"version":4})");
  client().deliver(shadow("delete/accepted"), R"({"version":4,"timestamp":9})");
  ASSERT_EQ(updates().size(), 1u);
  const auto update = parse(updates()[0].payload);
  EXPECT_FALSE(update.contains("version"));
  EXPECT_EQ(update["state"]["reported"]["power"], "off");
}

TEST_F(LightTest, KeepsItsConfigurationInANamedShadowUntilAccepted) {
  harness.params.set("config_shadow", true);
  boot();
  const std::string config = shadow("name/config/update");
  auto sent = client().publishes_to(config);
  ASSERT_EQ(sent.size(), 1u);
  const auto request = parse(sent[0].payload);
  EXPECT_EQ(request["state"]["reported"]["fade_ms"], 300);
  const auto& subscriptions = client().subscriptions();
  EXPECT_NE(
      std::find(subscriptions.begin(), subscriptions.end(), shadow("name/config/update/accepted")),
      subscriptions.end());
  // Not accepted yet: the next connect reports again; once accepted, no more.
  client().lose();
  harness.runtime.advance(harness.runtime.next_timer_in());
  client().accept(false);
  ASSERT_EQ(client().publishes_to(config).size(), 2u);
  nlohmann::json answer = {
      {"version", 7},
      {"clientToken", parse(client().publishes_to(config)[1].payload)["clientToken"]}};
  client().deliver(shadow("name/config/update/accepted"), answer.dump());
  EXPECT_EQ(light().last_seen_version(), 0) << "a named shadow's version is not the light's";
  client().lose();
  harness.runtime.advance(harness.runtime.next_timer_in());
  client().accept(false);
  EXPECT_EQ(client().publishes_to(config).size(), 2u);
}

}  // namespace
}  // namespace mqttbed::devices
