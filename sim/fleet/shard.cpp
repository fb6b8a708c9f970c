#include "sim/fleet/shard.h"

#include "sim/scenario/client_id.h"

namespace mqttbed::fleet {

std::vector<scenario::DeviceSlot> shard_slots(const std::vector<scenario::DeviceSlot>& slots,
                                              Shard shard) {
  if (!shard.sharded()) return slots;
  std::vector<scenario::DeviceSlot> mine;
  for (const auto& slot : slots)
    if (shard_of_account(slot.account, shard.count) == shard.index) mine.push_back(slot);
  return mine;
}

scenario::Scenario shard_scenario(const scenario::Scenario& scenario, Shard shard) {
  scenario::Scenario part = scenario;
  if (shard.sharded()) part.network.links.at("cloud").bandwidth_bps /= shard.count;
  return part;
}

std::string shadow_client_id(Shard shard) {
  std::string id(scenario::kShadowClientId);
  return shard.sharded() ? id + "-" + std::to_string(shard.index) : id;
}

void check_shardable(const scenario::Scenario& scenario, int count) {
  if (count < 1) throw ShardingError("--shards " + std::to_string(count) + ": expected 1 or more");
  if (count == 1) return;
  const int accounts = scenario::account_count(scenario.fleet);
  if (accounts < count)
    throw ShardingError("--shards " + std::to_string(count) + ": the fleet has " +
                        std::to_string(accounts) +
                        " account(s) and a shard holds whole accounts; use at most " +
                        std::to_string(accounts) + " shards");
  // Per-shard shadow services have no certificates in the run's PKI, and one identity
  // provider per run mints tokens; sharding it would change who may connect.
  if (scenario.identity.enabled)
    throw ShardingError("--shards " + std::to_string(count) +
                        ": a scenario with identity: (certificates and tokens) cannot be sharded "
                        "yet; run it unsharded");
}

}  // namespace mqttbed::fleet
