// The app: watches its account, sets desired state, measures command round-trips.
#include "devices/app.h"

#include <gtest/gtest.h>

#include "tests/devices/device_harness.h"

namespace mqttbed::devices {
namespace {

using namespace std::chrono_literals;
using testing::parse;

class AppTest : public ::testing::Test {
 protected:
  AppTest() : harness("app"), identity(account_identity(1, "app", 0)) {
    harness.things = {"acct1-home1-light0", "acct1-home2-light0"};
    harness.params.set("command_every", scenario::Duration(30s));
    harness.params.set("command_jitter", scenario::Duration(0s));
    harness.observations.on_command_round_trip = [this](const CommandRoundTrip& trip) {
      trips.push_back(trip);
    };
    harness.observations.on_command_superseded =
        [this](const std::string&, const std::string& thing) { superseded.push_back(thing); };
  }
  void boot() {
    device = harness.make(identity);
    device->start();
    client().accept(false);
  }
  testing::FakeMqttClient& client() { return harness.client(identity.client_id); }
  // The one command sent so far: its thing and desired state.
  std::pair<std::string, nlohmann::json> command(std::size_t i = 0) {
    std::vector<testing::SentPublish> sent;
    for (const auto& publish : client().publishes()) {
      if (publish.topic.ends_with("/shadow/update")) sent.push_back(publish);
    }
    std::string thing;
    std::string suffix;
    EXPECT_TRUE(parse_shadow_topic(sent.at(i).topic, &thing, &suffix));
    return {thing, parse(sent.at(i).payload)["state"]["desired"]};
  }
  std::string documents(const nlohmann::json& desired, const nlohmann::json& reported) {
    return nlohmann::json{{"current", {{"state", {{"desired", desired}, {"reported", reported}}}}}}
        .dump();
  }

  testing::DeviceHarness harness;
  DeviceIdentity identity;
  std::unique_ptr<Device> device;
  std::vector<CommandRoundTrip> trips;
  std::vector<std::string> superseded;
};

TEST_F(AppTest, SubscribesToItsAccountAndEachThingsShadowDocuments) {
  boot();
  EXPECT_EQ(client().subscriptions(),
            (std::vector<std::string>{"platform/acct1/#",
                                      "$aws/things/acct1-home1-light0/shadow/update/documents",
                                      "$aws/things/acct1-home2-light0/shadow/update/documents"}));
}

TEST_F(AppTest, WatchesGatewaysThroughAnOverlappingFilterWhenAsked) {
  harness.params.set("watch_gateways", true);
  boot();
  const auto& filters = client().subscriptions();
  ASSERT_GE(filters.size(), 2u);
  EXPECT_EQ(filters[0], "platform/acct1/#");
  EXPECT_EQ(filters[1], "platform/acct1/+/gateway/status");
}

// A user opens one home's view and leaves it: SUBSCRIBE, then UNSUBSCRIBE view_for later.
TEST_F(AppTest, OpensAndLeavesAHomeView) {
  harness.params.set("watch_account", false);
  harness.params.set("command_every", scenario::Duration(1h));
  harness.params.set("view_every", scenario::Duration(10s));
  harness.params.set("view_for", scenario::Duration(10s));
  boot();
  const auto shadows_only = client().subscriptions();
  EXPECT_EQ(shadows_only.size(), 2u);  // the two things' shadow documents, no account filter
  harness.runtime.advance(15s);        // view_every + at most half of it
  std::vector<std::string> views;
  for (const auto& filter : client().subscriptions())
    if (filter.starts_with("platform/")) views.push_back(filter);
  ASSERT_EQ(views.size(), 1u);
  EXPECT_TRUE(views[0] == "platform/acct1/home1/#" || views[0] == "platform/acct1/home2/#")
      << views[0];
  harness.runtime.advance(10s);  // closed view_for after it opened; the next opens 10s+ later
  EXPECT_EQ(client().subscriptions(), shadows_only);
}

TEST_F(AppTest, SetsTheDesiredStateOfOneOfItsThingsEveryPeriod) {
  boot();
  harness.runtime.advance(30s);
  const auto [thing, desired] = command();
  EXPECT_TRUE(thing == "acct1-home1-light0" || thing == "acct1-home2-light0");
  EXPECT_TRUE(desired["power"] == "on" || desired["power"] == "off");
  EXPECT_TRUE(desired["brightness"].is_number_integer());
  const auto update = parse(client().publishes().back().payload);
  EXPECT_FALSE(update.contains("version"));
  EXPECT_EQ(client().publishes().back().qos, 1);
}

TEST_F(AppTest, RecordsTheRoundTripWhenTheReportedStateMatchesWithoutDelta) {
  boot();
  harness.runtime.advance(30s);
  const auto [thing, desired] = command();
  harness.runtime.advance(1500ms);
  // The document of the app's own update: not reported yet.
  client().deliver(shadow_topic(thing, "update/documents"),
                   documents(desired, {{"power", "unknown"}}));
  EXPECT_TRUE(trips.empty());
  harness.runtime.advance(500ms);
  client().deliver(shadow_topic(thing, "update/documents"), documents(desired, desired));
  ASSERT_EQ(trips.size(), 1u);
  EXPECT_EQ(trips[0].app, "acct1-app0");
  EXPECT_EQ(trips[0].thing, thing);
  EXPECT_EQ(trips[0].sent_at, runtime::Duration(30s));
  EXPECT_EQ(trips[0].round_trip, runtime::Duration(2s));
  EXPECT_EQ(static_cast<App&>(*device).pending_commands(), 0u);
}

TEST_F(AppTest, AReportWithARemainingDeltaIsNotARoundTrip) {
  boot();
  harness.runtime.advance(30s);
  const auto [thing, desired] = command();
  nlohmann::json newer = desired;
  newer["colour"] = "red";  // someone desires more than the light reports
  client().deliver(shadow_topic(thing, "update/documents"), documents(newer, desired));
  EXPECT_TRUE(trips.empty());
}

TEST_F(AppTest, ACommandOvertakenByTheNextToTheSameThingIsSuperseded) {
  harness.things = {"acct1-home1-light0"};
  boot();
  harness.runtime.advance(60s);
  ASSERT_EQ(superseded, (std::vector<std::string>{"acct1-home1-light0"}));
  EXPECT_EQ(static_cast<App&>(*device).pending_commands(), 1u);
}

TEST_F(AppTest, MeasuresWithNobodyWatching) {
  harness.observations = {};
  boot();
  harness.runtime.advance(30s);
  const auto [thing, desired] = command();
  client().deliver(shadow_topic(thing, "update/documents"), documents(desired, desired));
  EXPECT_EQ(static_cast<App&>(*device).pending_commands(), 0u);
}

TEST_F(AppTest, SendsNoCommandWhileOffline) {
  boot();
  client().lose();
  harness.runtime.advance(30s);
  client().accept(true);
  EXPECT_TRUE(client().publishes().empty());
}

TEST_F(AppTest, ResetsAThingByDeletingItsShadowEveryPeriod) {
  harness.params.set("command_every", scenario::Duration(1h));
  harness.params.set("reset_every", scenario::Duration(20s));
  boot();
  harness.runtime.advance(31s);  // 20s + up to 10s
  std::vector<testing::SentPublish> deletes;
  for (const auto& publish : client().publishes()) {
    if (publish.topic.ends_with("/shadow/delete")) deletes.push_back(publish);
  }
  ASSERT_EQ(deletes.size(), 1u);
  std::string thing;
  std::string suffix;
  ASSERT_TRUE(parse_shadow_topic(deletes[0].topic, &thing, &suffix));
  EXPECT_TRUE(thing == "acct1-home1-light0" || thing == "acct1-home2-light0") << thing;
  EXPECT_TRUE(parse(deletes[0].payload)["clientToken"].is_string());
}

}  // namespace
}  // namespace mqttbed::devices
