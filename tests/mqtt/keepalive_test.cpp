// Keep Alive timing rules (MQTT 3.1.1 / 5.0 §3.1.2.10).
#include "sim/mqtt/keepalive.h"

#include <gtest/gtest.h>

#include <chrono>

namespace mqttbed::mqtt {
namespace {

TEST(KeepAlive, ServerTimeoutIsOneAndAHalfKeepAlive_MQTT_3_1_2_24) {
  using namespace std::chrono_literals;
  EXPECT_EQ(keepalive_timeout(60), 90s);
  EXPECT_EQ(keepalive_timeout(1), 1500ms);
  EXPECT_EQ(keepalive_timeout(65535), 98302500ms);
  EXPECT_EQ(keepalive_period(60), 60s);  // MQTT-3.1.2-23
}

TEST(KeepAlive, ZeroDisablesTheMechanism_3_1_2_10) {
  EXPECT_EQ(keepalive_timeout(0), Duration::zero());
  EXPECT_EQ(keepalive_period(0), Duration::zero());
}

}  // namespace
}  // namespace mqttbed::mqtt
