// A simulated fleet split by account into shards, each played by a process of its own with
// its own broker-model node and shadow-service instance: a broker cluster partitioned by
// account, as large IoT brokers partition. Which devices a shard plays, how its scenario
// differs from the whole (the shared cloud links' capacity divided so totals match), and
// what cannot be sharded (docs/simulation.md, "Sharded runs").
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "sim/scenario/fleet_layout.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::fleet {

struct Shard {
  int index = 0;
  int count = 1;
  bool sharded() const { return count > 1; }
};

// A scenario that cannot be split as asked: the message says why (exit code 2).
class ShardingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Accounts go to shards round-robin, so a fault on a range of homes spreads over all shards.
inline int shard_of_account(int account, int count) { return account % count; }

// The slots of `shard`, in layout order (every device of an account stays together).
std::vector<scenario::DeviceSlot> shard_slots(const std::vector<scenario::DeviceSlot>& slots,
                                              Shard shard);
// The scenario a shard simulates: the same, with the cloud link class's bandwidth divided by
// the shard count (each shard's broker and shadow service carry 1/N of the traffic).
scenario::Scenario shard_scenario(const scenario::Scenario& scenario, Shard shard);
// The shadow service's client id: "cloud-shadow" unsharded, "cloud-shadow-I" in shard I.
std::string shadow_client_id(Shard shard);
// Throws ShardingError when `count` shards cannot play the scenario (fewer accounts than
// shards, identities on, a count below 1).
void check_shardable(const scenario::Scenario& scenario, int count);

}  // namespace mqttbed::fleet
