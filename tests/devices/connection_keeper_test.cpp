// The connection upkeep every kind shares: session settings, backoff, re-subscription.
#include "devices/connection_keeper.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/devices/fake_runtime.h"

namespace mqttbed::devices {
namespace {

using namespace std::chrono_literals;
using testing::FakeMqttClient;
using testing::FakeRuntime;

class ConnectionKeeperTest : public ::testing::Test {
 protected:
  ConnectionKeeperTest() {
    mqtt.reconnect_min = 1s;
    mqtt.reconnect_max = 60s;
  }
  ConnectionKeeper& keeper() {
    if (!keeper_) {
      keeper_ = std::make_unique<ConnectionKeeper>(runtime, rng, mqtt, "acct0-home0-light0", 0);
    }
    return *keeper_;
  }
  FakeMqttClient& client() { return *runtime.client("acct0-home0-light0"); }

  FakeRuntime runtime;
  runtime::Rng rng{7};
  scenario::MqttSettings mqtt;
  std::unique_ptr<ConnectionKeeper> keeper_;
};

TEST_F(ConnectionKeeperTest, ConnectsWithPersistentSessionAndKeepaliveFromTheScenario) {
  mqtt.persistent_sessions = true;
  mqtt.keepalive = 45s;
  keeper().start();
  ASSERT_EQ(client().connects().size(), 1u);
  EXPECT_FALSE(client().connects()[0].clean_session);
  EXPECT_EQ(client().connects()[0].keepalive, 45s);
}

TEST_F(ConnectionKeeperTest, ConnectsWithCleanSessionWhenSessionsAreNotPersistent) {
  mqtt.persistent_sessions = false;
  keeper().start();
  EXPECT_TRUE(client().connects()[0].clean_session);
}

TEST_F(ConnectionKeeperTest, BackoffCeilingDoublesPerFailureUntilTheCap) {
  for (int failures = 0; failures < 12; ++failures) {
    const auto ceiling = std::min<runtime::Duration>(60s, 1s * (2 << failures));
    runtime::Duration largest{0};
    for (int sample = 0; sample < 300; ++sample) {
      const runtime::Duration delay = keeper().backoff_delay(failures);
      ASSERT_GE(delay, 1s);
      ASSERT_LE(delay, ceiling);
      largest = std::max(largest, delay);
    }
    // The draws reach near the ceiling, so the ceiling really grew to there.
    EXPECT_GT(largest, ceiling * 9 / 10) << "failures=" << failures;
  }
}

TEST_F(ConnectionKeeperTest, BackoffIsJittered) {
  std::set<std::int64_t> delays;
  for (int sample = 0; sample < 50; ++sample) delays.insert(keeper().backoff_delay(3).count());
  EXPECT_GT(delays.size(), 40u);
}

TEST_F(ConnectionKeeperTest, RetriesAfterRefusalWithGrowingBackoffAndResetsOnSuccess) {
  keeper().start();
  std::vector<runtime::Duration> waits;
  for (int attempt = 0; attempt < 8; ++attempt) {
    client().refuse();
    const runtime::Duration wait = runtime.next_timer_in();
    EXPECT_GE(wait, 1s);
    EXPECT_LE(wait, std::min<runtime::Duration>(60s, 1s * (2 << attempt)));
    waits.push_back(wait);
    runtime.advance(wait);
    ASSERT_TRUE(client().connect_pending()) << "no new CONNECT after the backoff";
  }
  EXPECT_EQ(client().connects().size(), 9u);
  EXPECT_EQ(keeper().consecutive_failures(), 8);
  client().accept(false);
  EXPECT_EQ(keeper().consecutive_failures(), 0);
  client().lose();
  EXPECT_LE(runtime.next_timer_in(), 2s);  // the first retry after a loss is short again
}

TEST_F(ConnectionKeeperTest, ResubscribesOnlyWhenTheBrokerHasNoSession) {
  keeper().set_subscriptions({{"platform/acct0/home0/+/state", 1}, {"platform/acct0/x", 0}});
  keeper().start();
  client().accept(/*session_present=*/false);
  EXPECT_EQ(client().subscriptions().size(), 2u);

  client().lose();
  runtime.advance(runtime.next_timer_in());
  client().accept(/*session_present=*/true);
  EXPECT_EQ(client().subscriptions().size(), 2u) << "re-subscribed into a kept session";

  client().lose();
  runtime.advance(runtime.next_timer_in());
  client().accept(/*session_present=*/false);
  EXPECT_EQ(client().subscriptions().size(), 4u) << "did not re-subscribe a lost session";
}

TEST_F(ConnectionKeeperTest, PublishesNothingWhileOffline) {
  keeper().start();
  EXPECT_FALSE(keeper().publish("platform/acct0/t", "x", 1, false).has_value());
  client().accept(true);
  EXPECT_TRUE(keeper().publish("platform/acct0/t", "x", 1, false).has_value());
  EXPECT_EQ(client().publishes().size(), 1u);
}

TEST_F(ConnectionKeeperTest, GracefulDisconnectStopsReconnectionUntilResume) {
  keeper().start();
  client().accept(true);
  keeper().disconnect();
  EXPECT_EQ(client().disconnects(), 1);
  EXPECT_EQ(runtime.pending_timers(), 0u);
  keeper().resume();
  EXPECT_EQ(client().connects().size(), 2u);
}

TEST_F(ConnectionKeeperTest, RestartConnectsAFreshClient) {
  keeper().start();
  client().accept(true);
  keeper().restart();
  EXPECT_EQ(runtime.clients_made(), 2);
  EXPECT_EQ(client().connects().size(), 1u);
  EXPECT_EQ(client().disconnects(), 0);
}

}  // namespace
}  // namespace mqttbed::devices
