// The gateway: certificate identity, presence through birth and will, summary, relay.
#include "devices/gateway.h"

#include <gtest/gtest.h>

#include <regex>

#include "tests/devices/device_harness.h"

namespace mqttbed::devices {
namespace {

using namespace std::chrono_literals;
using testing::parse;

class GatewayTest : public ::testing::Test {
 protected:
  GatewayTest() : harness("gateway"), identity(home_identity(3, 3, "gateway", 0)) {}
  void boot() {
    device = harness.make(identity);
    device->start();
  }
  Gateway& gateway() { return static_cast<Gateway&>(*device); }
  testing::FakeMqttClient& client() { return harness.client(identity.client_id); }

  testing::DeviceHarness harness;
  DeviceIdentity identity;
  std::unique_ptr<Device> device;
};

TEST_F(GatewayTest, ConnectsWithARetainedOfflineWillAtQos1) {
  boot();
  ASSERT_EQ(client().connects().size(), 1u);
  const auto& will = client().connects()[0].will;
  ASSERT_TRUE(will.has_value());
  EXPECT_EQ(will->topic, "platform/acct3/home3/gateway/status");
  EXPECT_EQ(will->qos, 1);
  EXPECT_TRUE(will->retain);
  EXPECT_EQ(parse(will->payload)["status"], "offline");
}

TEST_F(GatewayTest, PublishesARetainedOnlineBirthOnEveryConnect) {
  boot();
  client().accept(false);
  client().lose();
  harness.runtime.advance(harness.runtime.next_timer_in());
  client().accept(true);
  const auto births = client().publishes_to("platform/acct3/home3/gateway/status");
  ASSERT_EQ(births.size(), 2u);
  for (const auto& birth : births) {
    EXPECT_TRUE(birth.retain);
    EXPECT_EQ(birth.qos, 1);
    EXPECT_EQ(parse(birth.payload)["status"], "online");
  }
}

// Decommissioned: an empty retained payload clears the status (MQTT-3.3.1-10), a DISCONNECT
// follows, and nothing brings it back.
TEST_F(GatewayTest, DecommissionedGatewayClearsItsRetainedStatusAndLeaves) {
  harness.params.set("decommission_home", std::int64_t{3});
  harness.params.set("decommission_after", scenario::Duration(30s));
  boot();
  client().accept(false);
  harness.runtime.advance(30s);
  const auto status = client().publishes_to("platform/acct3/home3/gateway/status");
  ASSERT_EQ(status.size(), 2u);  // the birth, then the clear
  EXPECT_TRUE(status[1].payload.empty());
  EXPECT_TRUE(status[1].retain);
  EXPECT_EQ(client().disconnects(), 0);  // the clear goes out first
  harness.runtime.advance(2s);
  EXPECT_EQ(client().disconnects(), 1);
  device->resume();
  device->reboot();
  harness.runtime.advance(1min);
  EXPECT_EQ(client().connects().size(), 1u);
}

TEST_F(GatewayTest, OnlyTheNamedHomesGatewayIsDecommissioned) {
  harness.params.set("decommission_home", std::int64_t{4});
  boot();
  client().accept(false);
  harness.runtime.advance(5min);
  for (const auto& publish : client().publishes_to("platform/acct3/home3/gateway/status"))
    EXPECT_FALSE(publish.payload.empty());
  EXPECT_EQ(client().disconnects(), 0);
}

TEST_F(GatewayTest, CarriesItsCertificateAttributesInConnectAndBirth) {
  identity.partner = "comcast";
  boot();
  const GatewayCertificate& certificate = gateway().certificate();
  EXPECT_EQ(certificate.partner, "comcast");
  EXPECT_EQ(certificate.account, "acct3");
  EXPECT_TRUE(std::regex_match(
      certificate.installation,
      std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  EXPECT_TRUE(std::regex_match(certificate.mac, std::regex("[0-9a-f]{2}(:[0-9a-f]{2}){5}")));
  const std::string& username = client().connects()[0].username;
  EXPECT_NE(username.find("installation=" + certificate.installation), std::string::npos);
  EXPECT_NE(username.find("mac=" + certificate.mac), std::string::npos);
  client().accept(false);
  const auto birth = parse(client().publishes().front().payload);
  EXPECT_EQ(birth["installation"], certificate.installation);
  EXPECT_EQ(birth["partner"], "comcast");
}

TEST_F(GatewayTest, TheCertificateIsDerivedFromTheSeedAndName) {
  boot();
  const GatewayCertificate first = gateway().certificate();
  testing::DeviceHarness again("gateway");
  auto twin = again.make(identity);
  EXPECT_EQ(static_cast<Gateway&>(*twin).certificate().installation, first.installation);
  auto other = again.make(home_identity(4, 4, "gateway", 0));
  EXPECT_NE(static_cast<Gateway&>(*other).certificate().installation, first.installation);
}

TEST_F(GatewayTest, ARebootKeepsTheCertificateAndForgetsTheStates) {
  harness.params.set("summary_every", scenario::Duration(30s));
  boot();
  client().accept(false);
  const std::string installation = gateway().certificate().installation;
  client().deliver("platform/acct3/home3/light0/state", R"({"power":"on"})");
  device->reboot();
  EXPECT_EQ(gateway().certificate().installation, installation);
  client().accept(false);
  harness.runtime.advance(30s);
  const auto summaries = client().publishes_to("platform/acct3/home3/gateway/summary");
  ASSERT_EQ(summaries.size(), 1u);
  EXPECT_TRUE(parse(summaries[0].payload)["devices"].empty());
}

TEST_F(GatewayTest, SubscribesToItsHomesStatesAndCommands) {
  boot();
  client().accept(false);
  EXPECT_EQ(client().subscriptions(), (std::vector<std::string>{"platform/acct3/home3/+/state",
                                                                "platform/acct3/home3/cmd/#"}));
}

TEST_F(GatewayTest, RelaysACommandToTheDevicesCommandTopic) {
  boot();
  client().accept(false);
  client().deliver("platform/acct3/home3/cmd/light1", R"({"power":"on"})");
  const auto relayed = client().publishes_to("platform/acct3/home3/light1/cmd");
  ASSERT_EQ(relayed.size(), 1u);
  EXPECT_EQ(relayed[0].payload, R"({"power":"on"})");
}

TEST_F(GatewayTest, SummarisesTheLatestStateOfEachDevicePeriodically) {
  harness.params.set("summary_every", scenario::Duration(30s));
  boot();
  client().accept(false);
  client().deliver("platform/acct3/home3/light0/state", R"({"power":"on","brightness":5})");
  client().deliver("platform/acct3/home3/light0/state", R"({"power":"off","brightness":5})");
  client().deliver("platform/acct3/home3/sensor0/state", R"({"seq":1,"value":2.5,"pad":"xx"})");
  harness.runtime.advance(30s);
  const auto summaries = client().publishes_to("platform/acct3/home3/gateway/summary");
  ASSERT_EQ(summaries.size(), 1u);
  const auto summary = parse(summaries[0].payload);
  EXPECT_EQ(summary["devices"]["light0"]["power"], "off");
  EXPECT_FALSE(summary["devices"]["sensor0"].contains("pad"));
  EXPECT_EQ(summary["updates"], 3);
}

TEST_F(GatewayTest, AGracefulDisconnectAnnouncesOfflineItself) {
  boot();
  client().accept(false);
  device->disconnect_gracefully();
  const auto statuses = client().publishes_to("platform/acct3/home3/gateway/status");
  ASSERT_EQ(statuses.size(), 2u);
  EXPECT_EQ(parse(statuses[1].payload)["status"], "offline");
  EXPECT_TRUE(statuses[1].retain);
  EXPECT_EQ(client().disconnects(), 1);
}

}  // namespace
}  // namespace mqttbed::devices
