// Authentication in a simulated run (issue 13): with `identity:` every client presents its
// certificate or a fresh token and connects; a policy that denies iot:Connect to a kind gets
// that kind CONNACK 5 (not authorized) from the broker model, the others unaffected.
#include <gtest/gtest.h>

#include "tests/simulation/sim_harness.h"

namespace mqttbed::testing {
namespace {

using history::EventType;

const char* const kClients[] = {"acct0-home0-gateway0", "acct0-home0-light0", "acct0-home0-sensor0",
                                "acct0-app0", "cloud-shadow"};

TEST(SimulationIdentity, EveryClientAuthenticatesWithItsCredentialAndConnects) {
  SimulatedRun run;
  // A token lifetime shorter than the run: reconnects present a fresh token.
  simulate(small_fleet_yaml("[{at: 70s, for: 5s, kind: disconnect, target: all}]",
                            "identity: {token_lifetime: 1m, token_refresh_before: 10s}\n"),
           run);
  for (const char* client : kClients) {
    const auto connacks = run.of(EventType::connack, client);
    ASSERT_GE(connacks.size(), 1u) << client;
    for (const auto& connack : connacks) EXPECT_EQ(connack.code, 0) << client;
  }
  EXPECT_GE(run.of(EventType::connack, "acct0-app0").size(), 2u);  // reconnected after 70s
}

TEST(SimulationIdentity, AKindThePolicyDoesNotLetConnectIsRefusedWithCode5) {
  SimulatedRun run;
  simulate(small_fleet_yaml("[]",
                            "identity: {}\n"
                            "policy:\n"
                            "  - attach: ['*']\n"
                            "    statements:\n"
                            "      - effect: allow\n"
                            "        action: [iot:Publish, iot:Receive]\n"
                            "        resource: 'topic/*'\n"
                            "  - attach: [gateway, light, sensor, shadow]\n"
                            "    statements:\n"
                            "      - effect: allow\n"
                            "        action: iot:Connect\n"
                            "        resource: 'client/${iot:Connection.Thing.ThingName}'\n"),
           run);
  const auto refused = run.of(EventType::connack, "acct0-app0");
  ASSERT_GE(refused.size(), 1u);
  for (const auto& connack : refused) EXPECT_EQ(connack.code, 5);
  for (const char* client : {"acct0-home0-gateway0", "acct0-home0-light0", "cloud-shadow"}) {
    const auto connacks = run.of(EventType::connack, client);
    ASSERT_GE(connacks.size(), 1u) << client;
    EXPECT_EQ(connacks.front().code, 0) << client;
  }
}

}  // namespace
}  // namespace mqttbed::testing
