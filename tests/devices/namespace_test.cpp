// Every kind stays inside the namespace its identity allows: each subscription, publish and
// will a device makes while doing its job passes the account policy (sim/security), so the
// isolation checker's verdicts on a real run are about the broker, not the devices.
#include <gtest/gtest.h>

#include "sim/security/security.h"
#include "tests/devices/device_harness.h"

namespace mqttbed::devices {
namespace {

using namespace std::chrono_literals;

// Boots the device, lets it run a while with a command and a delta thrown in, then checks
// everything it did.
void expect_inside_namespace(const std::string& kind, const DeviceIdentity& identity) {
  testing::DeviceHarness harness(kind);
  harness.things = {home_client_id(1, 1, "light", 0), home_client_id(1, 2, "light", 0)};
  auto device = harness.make(identity);
  device->start();
  testing::FakeMqttClient& client = harness.client(identity.client_id);
  client.accept(false);
  client.deliver("platform/acct1/home1/cmd/light0", R"({"power":"on"})");
  client.deliver(shadow_topic(identity.client_id, "update/delta"),
                 R"({"state":{"power":"on"},"version":2})");
  client.deliver(shadow_topic(home_client_id(1, 1, "light", 0), "update"),
                 R"({"state":{"desired":{"power":"on"}}})");
  harness.runtime.advance(5min);

  const std::string& id = identity.client_id;
  security::Authorizer authorizer(security::default_setup());
  using policy::Action;
  ASSERT_FALSE(client.publishes().empty()) << kind;
  for (const std::string& filter : client.subscriptions()) {
    EXPECT_TRUE(authorizer.allows(id, Action::subscribe, filter)) << id << " subscribes " << filter;
  }
  for (const testing::SentPublish& sent : client.publishes()) {
    EXPECT_TRUE(authorizer.allows(id, Action::publish, sent.topic))
        << id << " publishes " << sent.topic;
  }
  for (const runtime::ConnectOptions& connect : client.connects()) {
    if (connect.will) {
      EXPECT_TRUE(authorizer.allows(id, Action::publish, connect.will->topic)) << id << " will";
    }
  }
}

TEST(Namespace, HomeDevicesStayInsideTheirAccount) {
  for (const char* kind : {"gateway", "light", "sensor"}) {
    expect_inside_namespace(kind, home_identity(1, 1, kind, 0));
  }
}

TEST(Namespace, AppsStayInsideTheirAccount) {
  expect_inside_namespace("app", account_identity(1, "app", 0));
}

TEST(Namespace, TheShadowServiceStaysInsideTheShadowTopics) {
  expect_inside_namespace("shadow", shadow_identity());
}

}  // namespace
}  // namespace mqttbed::devices
