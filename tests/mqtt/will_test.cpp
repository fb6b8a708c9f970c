// Will rules: which connection ends publish the will; v5 delayed wills and their cancel.
#include "sim/mqtt/will.h"

#include <gtest/gtest.h>

namespace mqttbed::mqtt {
namespace {

TEST(WillRules, WillIsPublishedOnEveryEndButDisconnect) {  // MQTT-3.1.2-8
  EXPECT_TRUE(will_is_published(ConnectionEnd::network_lost));
  EXPECT_TRUE(will_is_published(ConnectionEnd::keepalive_expired));
  EXPECT_TRUE(will_is_published(ConnectionEnd::takeover));
  EXPECT_TRUE(will_is_published(ConnectionEnd::protocol_error));
  EXPECT_TRUE(will_is_published(ConnectionEnd::server_closed));
}

TEST(WillRules, WillIsNotPublishedAfterCleanDisconnect) {  // MQTT-3.1.2-10, MQTT-3.14.4-3
  EXPECT_FALSE(will_is_published(ConnectionEnd::disconnect));
}

TEST(WillRules, CrashedServerPublishesNoWill) {
  EXPECT_FALSE(will_is_published(ConnectionEnd::server_crash));
}

TEST(PendingWills, ReconnectWithinDelayCancelsTheWill) {  // MQTT-3.1.3-9
  PendingWills wills;
  const auto token = wills.add("c", Will{"t", "gone", 1, false, 10});
  EXPECT_TRUE(wills.cancel("c"));
  EXPECT_FALSE(wills.take("c", token).has_value());
}

TEST(PendingWills, TimerTakesTheWillOnce) {
  PendingWills wills;
  const auto token = wills.add("c", Will{"t", "gone", 1, false, 10});
  const auto will = wills.take("c", token);
  ASSERT_TRUE(will.has_value());
  EXPECT_EQ(will->payload, "gone");
  EXPECT_FALSE(wills.take("c", token).has_value());
  EXPECT_EQ(wills.size(), 0u);
}

TEST(PendingWills, StaleTimerDoesNotTakeANewerWill) {
  PendingWills wills;
  const auto old_token = wills.add("c", Will{"t", "first", 0, false, 10});
  const auto new_token = wills.add("c", Will{"t", "second", 0, false, 10});
  EXPECT_FALSE(wills.take("c", old_token).has_value());
  ASSERT_TRUE(wills.take("c", new_token).has_value());
}

}  // namespace
}  // namespace mqttbed::mqtt
