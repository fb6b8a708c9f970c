// Broker mutations: each deliberate misbehaviour shows the effect a checker must catch,
// and the names round-trip.
#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/broker/fake_broker_host.h"

namespace mqttbed::broker::testing {
namespace {

using mqtt::PacketType;

class BrokerMutation : public BrokerFixture {};

TEST(MutationNames, EveryNameRoundTrips) {
  for (Mutation m : {Mutation::none,
                     Mutation::drop_offline_qos1,
                     Mutation::duplicate_qos2,
                     Mutation::reorder,
                     Mutation::will_after_disconnect,
                     Mutation::skip_will,
                     Mutation::forget_retained_on_restart,
                     Mutation::forget_sessions_on_restart,
                     Mutation::leak_across_accounts,
                     Mutation::drop_acks,
                     Mutation::refuse_subscriptions,
                     Mutation::deliver_after_unsubscribe,
                     Mutation::upgrade_qos,
                     Mutation::retain_on_forward,
                     Mutation::never_time_out,
                     Mutation::no_takeover,
                     Mutation::ignore_payload_limit,
                     Mutation::corrupt_large_payloads,
                     Mutation::invalid_reason_code,
                     Mutation::ignore_message_expiry}) {
    EXPECT_EQ(parse_mutation(to_string(m)), m);
  }
  EXPECT_EQ(parse_mutation("skip-will"), Mutation::skip_will);
  EXPECT_THROW(parse_mutation("lose_everything"), std::invalid_argument);
}

// Only v5 PUBACKs carry a reason code; the message is still accepted and forwarded.
TEST_F(BrokerMutation, InvalidReasonCodeAnswersPubackWith0x03) {
  config.version = mqtt::Version::v5;
  config.mutation = Mutation::invalid_reason_code;
  connect(1, "sub");
  subscribe(1, "t", 1);
  connect(2, "pub");
  publish(2, "t", "x", 1);
  const auto acks = host.take(2);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].return_code, 0x03);
  EXPECT_EQ(payloads(host.take_publishes(1)), std::vector<std::string>{"x"});
}

TEST_F(BrokerMutation, IgnoreMessageExpiryDeliversStaleMessagesUnchanged) {
  config.version = mqtt::Version::v5;
  config.mutation = Mutation::ignore_message_expiry;
  connect(1, "sub", {.clean = false, .session_expiry_s = 3600});
  subscribe(1, "t", 1);
  send(1, PacketType::disconnect);
  connect(2, "pub");
  mqtt::Packet stale = publish_packet("t", "stale", 1, 1);
  stale.message_expiry_s = 5;
  broker().on_packet(2, stale);
  host.advance(std::chrono::seconds(10));
  connect(3, "sub", {.clean = false, .session_expiry_s = 3600});
  const auto got = host.take_publishes(3);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].message_expiry_s, 5u);
}

TEST_F(BrokerMutation, DropOfflineQos1LosesQueuedMessages) {
  config.mutation = Mutation::drop_offline_qos1;
  connect(1, "sub", {.clean = false});
  subscribe(1, "t", 1);
  send(1, PacketType::disconnect);
  connect(2, "pub");
  publish(2, "t", "lost", 1);
  connect(3, "sub", {.clean = false});
  EXPECT_TRUE(host.take_publishes(3).empty());
}

TEST_F(BrokerMutation, DuplicateQos2DeliversTwiceWithoutDup) {
  config.mutation = Mutation::duplicate_qos2;
  connect(1, "sub");
  subscribe(1, "t", 2);
  connect(2, "pub");
  publish(2, "t", "x", 2);
  const auto got = host.take_publishes(1);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_FALSE(got[1].dup);
  EXPECT_NE(got[0].packet_id, got[1].packet_id);
}

TEST_F(BrokerMutation, ReorderSwapsConsecutiveMessagesOfAPublisher) {
  config.mutation = Mutation::reorder;
  connect(1, "sub");
  subscribe(1, "t", 1);
  connect(2, "pub");
  for (int i = 0; i < 4; ++i) publish(2, "t", std::to_string(i), 1);
  EXPECT_EQ(payloads(host.take_publishes(1)), (std::vector<std::string>{"1", "0", "3", "2"}));
}

TEST_F(BrokerMutation, IgnorePayloadLimitDeliversAnOversizedPayload) {
  config.mutation = Mutation::ignore_payload_limit;
  config.payload_limit_bytes = 4;
  connect(1, "sub");
  subscribe(1, "t", 0);
  connect(2, "pub");
  publish(2, "t", "12345");
  EXPECT_FALSE(host.was_closed(2));
  EXPECT_EQ(payloads(host.take_publishes(1)), std::vector<std::string>{"12345"});
}

TEST_F(BrokerMutation, CorruptLargePayloadsChangesOneByteOfLargePayloadsOnly) {
  config.mutation = Mutation::corrupt_large_payloads;
  connect(1, "sub");
  subscribe(1, "t", 0);
  connect(2, "pub");
  const std::string large(5000, 'a');
  publish(2, "t", "small");
  publish(2, "t", large);
  const auto got = payloads(host.take_publishes(1));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], "small");
  ASSERT_EQ(got[1].size(), large.size());
  EXPECT_NE(got[1], large);
  EXPECT_EQ(got[1][2500], '`');
}

TEST_F(BrokerMutation, WillAfterDisconnectPublishesTheWill) {
  config.mutation = Mutation::will_after_disconnect;
  connect(1, "watcher");
  subscribe(1, "wills/#", 0);
  connect(2, "c", {.will = will("wills/c", "gone")});
  send(2, PacketType::disconnect);
  EXPECT_EQ(payloads(host.take_publishes(1)), std::vector<std::string>{"gone"});
}

TEST_F(BrokerMutation, SkipWillNeverPublishes) {
  config.mutation = Mutation::skip_will;
  connect(1, "watcher");
  subscribe(1, "wills/#", 0);
  connect(2, "c", {.will = will("wills/c", "gone")});
  broker().on_connection_lost(2);
  EXPECT_TRUE(host.take_publishes(1).empty());
}

TEST_F(BrokerMutation, ForgetRetainedOnRestartLosesThemDespitePersistence) {
  config.mutation = Mutation::forget_retained_on_restart;
  config.persistence = true;
  connect(1, "pub");
  publish(1, "r", "kept", 1, true);
  broker().crash();
  broker().restart();
  connect(2, "late");
  subscribe(2, "r", 1);
  EXPECT_TRUE(retained_after_subscribe.empty());
}

TEST_F(BrokerMutation, ForgetSessionsOnRestartLosesThemAndTheirQueueDespitePersistence) {
  config.mutation = Mutation::forget_sessions_on_restart;
  config.persistence = true;
  connect(1, "sub", {.clean = false});
  subscribe(1, "t", 1);
  send(1, PacketType::disconnect);
  connect(2, "pub");
  publish(2, "t", "queued", 1);
  broker().crash();
  broker().restart();
  connect(3, "sub", {.clean = false});
  EXPECT_TRUE(host.take_publishes(3).empty());
}

TEST_F(BrokerMutation, DropAcksAnswersNoPublishAndNoSubscribe) {
  config.mutation = Mutation::drop_acks;
  connect(1, "dev");
  broker().on_packet(1, subscribe_packet("t", 1, 7));
  publish(1, "t", "one", 1);
  publish(1, "t", "two", 2);
  for (const mqtt::Packet& p : host.take(1)) {
    EXPECT_NE(p.type, PacketType::suback);
    EXPECT_NE(p.type, PacketType::puback);
    EXPECT_NE(p.type, PacketType::pubrec);
  }
  EXPECT_FALSE(host.was_closed(1));
}

TEST_F(BrokerMutation, RefuseSubscriptionsRefusesEvenPermittedFilters) {
  config.mutation = Mutation::refuse_subscriptions;
  connect(1, "dev");
  mqtt::Packet suback = subscribe(1, "t", 1);
  ASSERT_EQ(suback.granted.size(), 1u);
  EXPECT_EQ(suback.granted[0], 0x80);
}

TEST_F(BrokerMutation, LeakAcrossAccountsDeliversToADeniedClient) {
  config.mutation = Mutation::leak_across_accounts;
  // Accounts by client-id prefix: "a." may use "a/#", "b." may use "b/#".
  config.authorize = [](const std::string& client, policy::Action, const std::string& topic) {
    return topic.substr(0, 1) == client.substr(0, 1);
  };
  connect(1, "a.sub");
  subscribe(1, "a/t", 1);
  connect(2, "b.spy");
  connect(3, "b.other");
  connect(4, "a.pub");
  publish(4, "a/t", "private", 1);
  EXPECT_EQ(payloads(host.take_publishes(1)), std::vector<std::string>{"private"});
  // The lowest connection id among denied clients gets a copy.
  EXPECT_EQ(payloads(host.take_publishes(2)), std::vector<std::string>{"private"});
  EXPECT_TRUE(host.take_publishes(3).empty());
}

TEST_F(BrokerMutation, WithoutMutationNoLeak) {
  config.authorize = [](const std::string& client, policy::Action, const std::string& topic) {
    return topic.substr(0, 1) == client.substr(0, 1);
  };
  connect(2, "b.spy");
  connect(4, "a.pub");
  publish(4, "a/t", "private", 1);
  EXPECT_TRUE(host.take_publishes(2).empty());
}

TEST_F(BrokerMutation, DeliverAfterUnsubscribeKeepsRouting) {
  config.mutation = Mutation::deliver_after_unsubscribe;
  connect(1, "sub");
  subscribe(1, "t", 1);
  mqtt::Packet unsubscribe;
  unsubscribe.type = PacketType::unsubscribe;
  unsubscribe.packet_id = 9;
  unsubscribe.unsubscribe_filters = {"t"};
  broker().on_packet(1, unsubscribe);
  EXPECT_EQ(host.take_first(1).type, PacketType::unsuback);
  connect(2, "pub");
  publish(2, "t", "after", 1);
  EXPECT_EQ(payloads(host.take_publishes(1)), std::vector<std::string>{"after"});
}

TEST_F(BrokerMutation, UpgradeQosDeliversAtTheGrantAboveThePublish) {
  config.mutation = Mutation::upgrade_qos;
  connect(1, "sub");
  subscribe(1, "t", 2);
  connect(2, "pub");
  publish(2, "t", "x", 1);
  const auto got = host.take_publishes(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].qos, 2);
}

TEST_F(BrokerMutation, RetainOnForwardKeepsRetainForPublishesNotWills) {
  config.mutation = Mutation::retain_on_forward;
  connect(1, "sub");
  subscribe(1, "t/#", 1);
  connect(2, "pub", {.keepalive_s = 0, .will = will("t/will", "gone", 1, true)});
  publish(2, "t/a", "x", 1, /*retain=*/true);
  auto got = host.take_publishes(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].retain);
  broker().on_connection_lost(2);
  got = host.take_publishes(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_FALSE(got[0].retain);
}

TEST_F(BrokerMutation, NeverTimeOutKeepsASilentConnection) {
  config.mutation = Mutation::never_time_out;
  connect(1, "sub");
  subscribe(1, "t", 1);
  connect(2, "dev", {.keepalive_s = 10, .will = will("t", "gone", 1)});
  host.advance(std::chrono::seconds(60));
  EXPECT_TRUE(host.take_publishes(1).empty());
  EXPECT_FALSE(host.was_closed(2));
}

TEST_F(BrokerMutation, NoTakeoverLeavesTheWillToTheKeepalive) {
  config.mutation = Mutation::no_takeover;
  connect(1, "sub");
  subscribe(1, "t", 1);
  connect(2, "dev", {.keepalive_s = 10, .will = will("t", "gone", 1)});
  connect(3, "dev", {.keepalive_s = 10});
  EXPECT_TRUE(host.take_publishes(1).empty());  // a takeover would have published it now
  host.advance(std::chrono::seconds(16));
  EXPECT_EQ(payloads(host.take_publishes(1)), std::vector<std::string>{"gone"});
}

}  // namespace
}  // namespace mqttbed::broker::testing
