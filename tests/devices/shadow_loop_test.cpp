// App, shadow service and light together: a command converges and its round-trip is
// measured, even when two commands race and the light's report meets a version conflict.
// The wire here is the test's: it hands each publish to the clients whose subscriptions
// match, instantly and in order, with none of a broker's semantics.
#include <gtest/gtest.h>

#include "devices/app.h"
#include "devices/light.h"
#include "devices/shadow_service.h"
#include "sim/mqtt/topic.h"
#include "tests/devices/device_harness.h"

namespace mqttbed::devices {
namespace {

using namespace std::chrono_literals;

class ShadowLoopTest : public ::testing::Test {
 protected:
  ShadowLoopTest()
      : lights("light"),
        shadows("shadow"),
        apps("app"),
        light_id(home_identity(0, 0, "light", 0)),
        app_id(account_identity(0, "app", 0)) {
    apps.things = {light_id.client_id};
    apps.params.set("command_jitter", scenario::Duration(0s));
    apps.observations.on_command_round_trip = [this](const CommandRoundTrip& trip) {
      trips.push_back(trip);
    };
  }

  void boot() {
    shadow = shadows.make(shadow_identity());
    light = lights.make(light_id);
    app = apps.make(app_id);
    shadow->start();
    light->start();
    app->start();
    shadows.client("cloud-shadow").accept(false);
    lights.client(light_id.client_id).accept(false);
    apps.client(app_id.client_id).accept(false);
    pump();
  }
  // Hands on every publish not yet handed on until the clients fall silent.
  void pump() {
    std::vector<testing::FakeMqttClient*> clients = {&shadows.client("cloud-shadow"),
                                                     &lights.client(light_id.client_id),
                                                     &apps.client(app_id.client_id)};
    forwarded.resize(clients.size(), 0);
    for (bool moved = true; moved;) {
      moved = false;
      for (std::size_t from = 0; from < clients.size(); ++from) {
        while (forwarded[from] < clients[from]->publishes().size()) {
          const testing::SentPublish sent = clients[from]->publishes()[forwarded[from]++];
          moved = true;
          for (testing::FakeMqttClient* to : clients) {
            for (const std::string& filter : to->subscriptions()) {
              if (mqtt::topic_matches(filter, sent.topic)) {
                to->deliver(sent.topic, sent.payload, sent.qos);
                break;
              }
            }
          }
        }
      }
    }
  }
  void desire(const std::string& state) {
    shadows.client("cloud-shadow")
        .deliver(shadow_topic(light_id.client_id, "update"),
                 R"({"state":{"desired":)" + state + "}}");
  }
  const ShadowDocument& document() {
    return *static_cast<ShadowService&>(*shadow).store().find(light_id.client_id);
  }

  testing::DeviceHarness lights;
  testing::DeviceHarness shadows;
  testing::DeviceHarness apps;
  DeviceIdentity light_id;
  DeviceIdentity app_id;
  std::unique_ptr<Device> shadow;
  std::unique_ptr<Device> light;
  std::unique_ptr<Device> app;
  std::vector<CommandRoundTrip> trips;
  std::vector<std::size_t> forwarded;  // per client: publishes already handed on
};

TEST_F(ShadowLoopTest, ALightsFirstReportCreatesItsShadow) {
  boot();
  EXPECT_EQ(document().reported, nlohmann::json::parse(R"({"power":"off","brightness":0})"));
  EXPECT_EQ(document().version, 1);
}

TEST_F(ShadowLoopTest, DesiredStateConvergesToReported) {
  boot();
  desire(R"({"power":"on","brightness":60})");
  pump();
  EXPECT_TRUE(static_cast<Light&>(*light).power_on());
  EXPECT_EQ(document().reported, document().desired);
  EXPECT_TRUE(shadow_delta(document().desired, document().reported).empty());
}

TEST_F(ShadowLoopTest, RacingCommandsStillConvergeOnTheLastOne) {
  boot();
  // Two desires land before the light answers either: its report for the first carries
  // a stale version, is refused with 409, and the light looks again.
  desire(R"({"power":"on","brightness":10})");
  desire(R"({"power":"on","brightness":90})");
  pump();
  EXPECT_EQ(static_cast<Light&>(*light).brightness(), 90);
  EXPECT_EQ(document().reported, document().desired);
  EXPECT_EQ(lights.client(light_id.client_id)
                .publishes_to(shadow_topic(light_id.client_id, "get"))
                .size(),
            2u)
      << "the stale report was not refused, so the race was not exercised";
}

TEST_F(ShadowLoopTest, TheAppsCommandIsCarriedOutAndItsRoundTripMeasured) {
  boot();
  apps.runtime.advance(apps.params.get_duration("command_every"));
  pump();
  ASSERT_EQ(trips.size(), 1u);
  EXPECT_EQ(trips[0].thing, light_id.client_id);
  EXPECT_EQ(document().reported, document().desired);
  EXPECT_EQ(document().desired["brightness"], static_cast<Light&>(*light).brightness());
}

}  // namespace
}  // namespace mqttbed::devices
