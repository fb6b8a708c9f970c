// Broker model, MQTT 5 message features: shared subscriptions (§4.8.2), forwarded
// properties (MQTT-3.3.2-15..-18), a waiting will published when Clean Start ends its session,
// and their mutations.
#include <gtest/gtest.h>

#include "tests/broker/fake_broker_host.h"

namespace mqttbed::broker::testing {
namespace {

using mqtt::PacketType;

class BrokerMqtt5Features : public BrokerFixture {
 protected:
  void SetUp() override { config.version = mqtt::Version::v5; }
  // Members 1 and 2 share "$share/g/t/#"; 3 publishes.
  void share() {
    connect(1, "m1");
    connect(2, "m2");
    connect(3, "pub");
    EXPECT_EQ(subscribe(1, "$share/g/t/#", 1).granted.at(0), 1);
    EXPECT_EQ(subscribe(2, "$share/g/t/#", 1).granted.at(0), 1);
  }
  // What a subscriber of "t" gets of a PUBLISH with Correlation Data and two User Properties.
  mqtt::ApplicationProperties forwarded() {
    connect(1, "sub");
    subscribe(1, "t", 1);
    connect(2, "pub");
    mqtt::Packet p = publish_packet("t", "x", 1, 7);
    p.properties.correlation_data = "c";
    p.properties.user = {{"a", "1"}, {"b", "2"}};
    broker().on_packet(2, p);
    const auto got = host.take_publishes(1);
    EXPECT_EQ(got.size(), 1u);
    return got.empty() ? mqtt::ApplicationProperties{} : got[0].properties;
  }
};

TEST_F(BrokerMqtt5Features, SharedSubscriptionSendsEachMessageToOneMember) {  // §4.8.2
  share();
  for (int i = 0; i < 4; ++i) publish(3, "t/x", "m" + std::to_string(i), 1);
  const auto first = host.take_publishes(1);
  const auto second = host.take_publishes(2);
  EXPECT_EQ(first.size() + second.size(), 4u);
  EXPECT_EQ(first.size(), 2u);  // the model's choice: in turn
}

TEST_F(BrokerMqtt5Features, SharedSubscriptionPrefersAConnectedMember) {
  share();
  broker().on_connection_lost(1);
  for (int i = 0; i < 3; ++i) publish(3, "t/x", "m", 0);
  EXPECT_EQ(host.take_publishes(2).size(), 3u);
}

TEST_F(BrokerMqtt5Features, ShareToAllMutationSendsToEveryMember) {
  config.mutation = Mutation::share_to_all;
  share();
  publish(3, "t/x", "m", 1);
  EXPECT_EQ(host.take_publishes(1).size(), 1u);
  EXPECT_EQ(host.take_publishes(2).size(), 1u);
}

TEST_F(BrokerMqtt5Features, MalformedOrV311ShareIsRefused) {  // MQTT-4.8.2-1, -2
  connect(1, "m1");
  EXPECT_GE(subscribe(1, "$share/g", 1).granted.at(0), 0x80);
  EXPECT_GE(subscribe(1, "$share/g+/t", 1).granted.at(0), 0x80);
}

TEST_F(BrokerMqtt5Features, PropertiesAreForwardedUnaltered) {  // MQTT-3.3.2-15..-18
  connect(1, "sub");
  subscribe(1, "t", 1);
  connect(2, "pub");
  mqtt::Packet p = publish_packet("t", "x", 1, 7);
  p.properties.response_topic = "r";
  p.properties.correlation_data = "c";
  p.properties.user = {{"a", "1"}, {"b", "2"}};
  broker().on_packet(2, p);
  const auto got = host.take_publishes(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].properties, p.properties);
}

TEST_F(BrokerMqtt5Features, DropCorrelationDataMutationDropsIt) {
  config.mutation = Mutation::drop_correlation_data;
  EXPECT_TRUE(forwarded().correlation_data.empty());
}

TEST_F(BrokerMqtt5Features, ReorderUserPropertiesMutationReversesThem) {
  config.mutation = Mutation::reorder_user_properties;
  const auto user = forwarded().user;
  ASSERT_EQ(user.size(), 2u);
  EXPECT_EQ(user[0].first, "b");
}

TEST_F(BrokerMqtt5Features, CleanStartPublishesAWaitingWill) {  // v5 §3.1.3.2.2
  connect(1, "watcher");
  subscribe(1, "wills/#", 0);
  connect(2, "c", {.will = will("wills/c", "gone", 0, false, 30), .session_expiry_s = 3600});
  broker().on_connection_lost(2);
  connect(3, "c", {.clean = true});
  EXPECT_EQ(payloads(host.take_publishes(1)), std::vector<std::string>{"gone"});
}

TEST_F(BrokerMqtt5Features, IgnoreWillDelayMutationPublishesAtOnce) {
  config.mutation = Mutation::ignore_will_delay;
  connect(1, "watcher");
  subscribe(1, "wills/#", 0);
  connect(2, "c", {.will = will("wills/c", "gone", 0, false, 30), .session_expiry_s = 3600});
  broker().on_connection_lost(2);
  EXPECT_EQ(payloads(host.take_publishes(1)), std::vector<std::string>{"gone"});
}

}  // namespace
}  // namespace mqttbed::broker::testing
