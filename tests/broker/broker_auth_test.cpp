// Broker model, authentication and refusals (issue 13): a refused CONNECT gets the
// protocol's own answer and cuts off nobody else; a denied 3.1.1 publish is dropped or
// closes the connection, as the broker is configured.
#include <gtest/gtest.h>

#include "tests/broker/fake_broker_host.h"

namespace mqttbed::broker::testing {
namespace {

using mqtt::PacketType;

class BrokerAuth : public BrokerFixture {
 protected:
  // "good" authenticates, "bad" carries bad credentials, anything else is not authorized.
  void require_credentials() {
    config.authenticate = [](const mqtt::Packet& connect, Duration) {
      if (connect.password == "good") return ConnectAnswer::accepted;
      if (connect.password == "bad") return ConnectAnswer::bad_credentials;
      return ConnectAnswer::not_authorized;
    };
  }
  mqtt::Packet connect_with(ConnectionId connection, const std::string& client_id,
                            const std::string& password) {
    mqtt::Packet packet = connect_packet(client_id);
    packet.password = password;
    broker().on_packet(connection, packet);
    return host.take_first(connection);
  }
};

TEST_F(BrokerAuth, BadCredentialsAreRefusedWithReturnCode4In311) {  // 3.1.1 §3.2.2.3
  require_credentials();
  const mqtt::Packet connack = connect_with(1, "c", "bad");
  EXPECT_EQ(connack.type, PacketType::connack);
  EXPECT_EQ(connack.return_code, 4);
  EXPECT_TRUE(host.was_closed(1));  // MQTT-3.2.2-5
  EXPECT_EQ(broker().stats().connections, 0u);
  EXPECT_EQ(broker().stats().denied, 1u);
}

TEST_F(BrokerAuth, UnauthorizedConnectIsRefusedWithReturnCode5In311) {
  require_credentials();
  EXPECT_EQ(connect_with(1, "c", "other").return_code, 5);
  EXPECT_TRUE(host.was_closed(1));
}

TEST_F(BrokerAuth, RefusalsUseReasonCodes0x86And0x87In5) {  // 5 §3.2.2.2
  config.version = mqtt::Version::v5;
  require_credentials();
  EXPECT_EQ(connect_with(1, "c", "bad").return_code, 0x86);
  EXPECT_EQ(connect_with(2, "c", "other").return_code, 0x87);
}

TEST_F(BrokerAuth, ARefusedConnectDoesNotTakeOverTheClientId) {  // MQTT-3.1.4-2 only if accepted
  require_credentials();
  EXPECT_EQ(connect_with(1, "victim", "good").return_code, 0);
  subscribe(1, "t", 0);
  EXPECT_EQ(connect_with(2, "victim", "bad").return_code, 4);
  EXPECT_FALSE(host.was_closed(1));
  connect_with(3, "pub", "good");
  publish(3, "t", "still here");
  EXPECT_EQ(payloads(host.take_publishes(1)), std::vector<std::string>{"still here"});
}

TEST_F(BrokerAuth, DeniedPublishIsDroppedButAcknowledgedByDefault) {
  config.authorize = [](const std::string&, policy::Action action, const std::string& topic) {
    return action != policy::Action::publish || topic != "secret";
  };
  connect(1, "sub");
  subscribe(1, "#", 1);
  connect(2, "pub");
  publish(2, "secret", "x", 1);
  EXPECT_FALSE(host.was_closed(2));
  EXPECT_TRUE(host.take_publishes(1).empty());
}

TEST_F(BrokerAuth, DeniedPublishClosesTheConnectionWhenConfigured) {
  config.close_on_denied_publish = true;
  config.authorize = [](const std::string&, policy::Action action, const std::string& topic) {
    return action != policy::Action::publish || topic != "secret";
  };
  connect(1, "sub");
  subscribe(1, "#", 1);
  connect(2, "pub");
  publish(2, "secret", "x", 1);
  EXPECT_TRUE(host.was_closed(2));
  EXPECT_TRUE(host.take_publishes(1).empty());
}

}  // namespace
}  // namespace mqttbed::broker::testing
