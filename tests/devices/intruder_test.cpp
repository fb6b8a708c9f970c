// The intruder: each attempt kind is recorded and then made as the operation it names, with
// the forged credential or spoofed id in the CONNECT options; it returns to its own identity.
#include "devices/intruder.h"

#include <gtest/gtest.h>

#include "tests/devices/device_harness.h"

namespace mqttbed::devices {
namespace {

using namespace std::chrono_literals;

class IntruderTest : public ::testing::Test {
 protected:
  IntruderTest() : harness("intruder"), identity(home_identity(0, 0, "intruder", 0)) {
    harness.params.set("every", scenario::Duration(10s));
  }
  void boot(const std::string& attempts) {
    harness.params.set("attempts", attempts);
    device = harness.make(identity);
    device->start();
    client().accept(false);
    client().clear_records();
  }
  testing::FakeMqttClient& client() { return harness.client(identity.client_id); }

  testing::DeviceHarness harness;
  DeviceIdentity identity;
  std::unique_ptr<Device> device;
};

TEST_F(IntruderTest, SubscribeAttemptsAreRecordedThenMade) {
  const std::pair<const char*, const char*> cases[] = {
      {"subscribe_foreign", "platform/acct1/#"},
      {"subscribe_all", "#"},
      {"subscribe_wildcard", "+/+/#"},
      {"subscribe_shadows", "$aws/things/+/shadow/#"}};
  for (const auto& [kind, filter] : cases) {
    boot(kind);
    harness.runtime.advance(15s);  // every 10s: the first attempt falls in [5s, 15s]
    ASSERT_FALSE(client().attempts().empty()) << kind;
    EXPECT_EQ(client().attempts().front(), std::string(kind) + " " + filter);
    device.reset();
  }
}

TEST_F(IntruderTest, PublishAttemptsTargetTheVictimAtQos0) {
  boot("publish_command");
  harness.runtime.advance(15s);
  ASSERT_FALSE(client().publishes().empty());
  EXPECT_EQ(client().publishes().front().topic, "platform/acct1/home1/light0/cmd");
  EXPECT_EQ(client().publishes().front().qos, 0);
  EXPECT_EQ(client().attempts().front(), "publish_command platform/acct1/home1/light0/cmd");
}

TEST_F(IntruderTest, SpoofedIdUsesItsOwnCredentialThenReturnsToItsOwnId) {
  boot("connect_spoofed_id");
  harness.runtime.advance(15s);
  ASSERT_EQ(client().connects().size(), 1u);
  EXPECT_EQ(client().connects()[0].connect_as, "acct1-home1-light0");
  EXPECT_EQ(client().connects()[0].forged_credential, "");
  client().refuse(5);
  harness.runtime.advance(2s);
  ASSERT_EQ(client().connects().size(), 2u);
  EXPECT_EQ(client().connects()[1].connect_as, "");
}

TEST_F(IntruderTest, ForgedTokensClaimTheAccountIdAndCertificatesItsOwn) {
  boot("expired_token");
  harness.runtime.advance(15s);
  ASSERT_EQ(client().connects().size(), 1u);
  EXPECT_EQ(client().connects()[0].forged_credential, "expired_token");
  EXPECT_EQ(client().connects()[0].connect_as, "acct0-intruder0");
  device.reset();
  boot("revoked_certificate");
  harness.runtime.advance(15s);
  ASSERT_EQ(client().connects().size(), 1u);
  EXPECT_EQ(client().connects()[0].forged_credential, "revoked_certificate");
  EXPECT_EQ(client().connects()[0].connect_as, "acct0-home0-intruder0");
}

TEST_F(IntruderTest, DormantIntruderNeverConnects) {
  harness.params.set("share", 0.0);
  harness.params.set("attempts", std::string("all"));
  device = harness.make(identity);
  device->start();
  EXPECT_EQ(harness.runtime.client(identity.client_id), nullptr);
}

TEST_F(IntruderTest, UnknownAttemptIsRefused) {
  harness.params.set("attempts", std::string("subscribe_all, fly_away"));
  EXPECT_THROW(harness.make(identity), std::invalid_argument);
}

}  // namespace
}  // namespace mqttbed::devices
