// Broker model, MQTT 5 subscription options, identifiers and Receive Maximum: what the
// subscription_options and flow_control checks judge, at the packet level.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/broker/fake_broker_host.h"

namespace mqttbed::broker::testing {
namespace {

using mqtt::PacketType;

class BrokerSubscriptionOptions : public BrokerFixture {
 protected:
  BrokerSubscriptionOptions() { config.version = mqtt::Version::v5; }

  // A v5 SUBSCRIBE of one filter with options and an identifier; returns the SUBACK's code.
  int subscribe_with(ConnectionId connection, const std::string& filter, bool no_local,
                     bool retain_as_published, int retain_handling, std::uint32_t id) {
    mqtt::Packet p = subscribe_packet(filter, 1, next_id_++);
    p.subscriptions[0].no_local = no_local;
    p.subscriptions[0].retain_as_published = retain_as_published;
    p.subscriptions[0].retain_handling = static_cast<std::uint8_t>(retain_handling);
    p.subscription_id = id;
    broker().on_packet(connection, p);
    retained.clear();
    int code = -1;
    for (mqtt::Packet& sent : host.take(connection)) {
      if (sent.type == PacketType::suback) {
        code = sent.granted.at(0);
      } else {
        retained.push_back(std::move(sent));
      }
    }
    return code;
  }

  std::vector<mqtt::Packet> retained;
  std::uint16_t next_id_ = 100;
};

TEST_F(BrokerSubscriptionOptions, NoLocalKeepsOwnMessagesBack) {  // MQTT-3.8.3-3
  connect(1, "c");
  connect(2, "other");
  ASSERT_EQ(subscribe_with(1, "t", true, false, 0, 0), 1);
  publish(1, "t", "own", 1);
  publish(2, "t", "theirs", 1);
  EXPECT_EQ(payloads(host.take_publishes(1)), std::vector<std::string>{"theirs"});
}

TEST_F(BrokerSubscriptionOptions, MutationIgnoreNoLocalSendsThemBack) {
  config.mutation = Mutation::ignore_no_local;
  connect(1, "c");
  subscribe_with(1, "t", true, false, 0, 0);
  publish(1, "t", "own", 1);
  EXPECT_EQ(host.take_publishes(1).size(), 1u);
}

TEST_F(BrokerSubscriptionOptions, OneCopyCarriesEveryMatchingIdentifier) {  // MQTT-3.3.4-4
  connect(1, "c");
  connect(2, "p");
  subscribe_with(1, "t/#", false, false, 0, 7);
  subscribe_with(1, "t/+", false, false, 0, 3);
  subscribe_with(1, "t/a", false, false, 0, 0);  // no identifier
  publish(2, "t/a", "x", 1);
  const auto got = host.take_publishes(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].subscription_ids, (std::vector<std::uint32_t>{3, 7}));
}

TEST_F(BrokerSubscriptionOptions, RetainedReplayCarriesItsSubscriptionsIdentifier) {
  connect(2, "p");
  publish(2, "r", "kept", 1, /*retain=*/true);
  connect(1, "c");
  subscribe_with(1, "r", false, false, 0, 5);
  ASSERT_EQ(retained.size(), 1u);
  EXPECT_TRUE(retained[0].retain);
  EXPECT_EQ(retained[0].subscription_ids, (std::vector<std::uint32_t>{5}));
}

TEST_F(BrokerSubscriptionOptions, RetainHandlingDecidesTheReplay) {  // MQTT-3.3.1-9..-11
  connect(2, "p");
  publish(2, "r", "kept", 1, /*retain=*/true);
  connect(1, "c");
  subscribe_with(1, "r", false, false, 2, 0);
  EXPECT_TRUE(retained.empty());  // 2: never
  subscribe_with(1, "r/#", false, false, 1, 0);
  EXPECT_EQ(retained.size(), 1u);  // 1, new ("r/#" matches "r", §4.7.1.2)
  subscribe_with(1, "r", false, false, 1, 0);
  EXPECT_TRUE(retained.empty());  // 1, and "r" existed
  subscribe_with(1, "+", false, false, 1, 0);
  EXPECT_EQ(retained.size(), 1u);  // 1, new
  subscribe_with(1, "+", false, false, 0, 0);
  EXPECT_EQ(retained.size(), 1u);  // 0: always
}

TEST_F(BrokerSubscriptionOptions, RetainHandling3IsAProtocolError) {
  connect(1, "c");
  subscribe_with(1, "t", false, false, 3, 0);
  EXPECT_TRUE(host.was_closed(1));
}

TEST_F(BrokerSubscriptionOptions, RetainAsPublishedKeepsRetainOnForwards) {  // MQTT-3.3.1-13
  connect(1, "c");
  connect(2, "p");
  subscribe_with(1, "kept", false, true, 0, 0);
  subscribe_with(1, "cleared", false, false, 0, 0);
  publish(2, "kept", "a", 1, /*retain=*/true);
  publish(2, "cleared", "b", 1, /*retain=*/true);
  const auto got = host.take_publishes(1);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(got[0].retain);
  EXPECT_FALSE(got[1].retain);  // MQTT-3.3.1-12
}

TEST_F(BrokerSubscriptionOptions, ReceiveMaximumBoundsTheWindow) {  // MQTT-3.3.4-9
  mqtt::Packet hello = connect_packet("c");
  hello.receive_maximum = 2;
  broker().on_packet(1, hello);
  host.take(1);
  connect(2, "p");
  subscribe_with(1, "t", false, false, 0, 0);
  for (int i = 0; i < 5; ++i) publish(2, "t", std::to_string(i), 1);
  const auto first = host.take_publishes(1);
  ASSERT_EQ(first.size(), 2u);
  send(1, PacketType::puback, first[0].packet_id);
  EXPECT_EQ(payloads(host.take_publishes(1)), std::vector<std::string>{"2"});
}

TEST_F(BrokerSubscriptionOptions, MutationIgnoreReceiveMaximumOverruns) {
  config.mutation = Mutation::ignore_receive_maximum;
  mqtt::Packet hello = connect_packet("c");
  hello.receive_maximum = 2;
  broker().on_packet(1, hello);
  host.take(1);
  connect(2, "p");
  subscribe_with(1, "t", false, false, 0, 0);
  for (int i = 0; i < 5; ++i) publish(2, "t", std::to_string(i), 1);
  EXPECT_EQ(host.take_publishes(1).size(), 5u);
}

}  // namespace
}  // namespace mqttbed::broker::testing
