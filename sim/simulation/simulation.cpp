#include "sim/simulation/simulation.h"

#include <xbt/log.h>

#include <memory>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <stdexcept>

#include "sim/faults/network_conditions.h"
#include "sim/fleet/fleet.h"
#include "sim/fleet/start_ramp.h"
#include "sim/identity/connect_check.h"
#include "sim/runtime/runtime.h"
#include "sim/security/security.h"
#include "sim/simulation/broker_bridge.h"
#include "sim/simulation/event_loop.h"
#include "sim/simulation/fault_injector.h"
#include "sim/simulation/platform.h"
#include "sim/simulation/sim_runtime.h"
#include "sim/simulation/transport.h"

namespace mqttbed::simulation {

namespace {

using std::chrono::nanoseconds;

std::unique_ptr<simgrid::s4u::Engine> make_engine() {
  // CM02 keeps SimGrid's flow-level bandwidth sharing and was ~25% faster than the default
  // LV08 at fleet scale (bench/RESULTS.md); silence SimGrid's own logging.
  xbt_log_control_set("root.thresh:critical");
  static int argc = 3;
  static char arg0[] = "mqttbed";
  static char arg1[] = "--cfg=network/model:CM02";
  static char arg2[] = "--log=root.thresh:critical";
  static char* argv[] = {arg0, arg1, arg2, nullptr};
  return std::make_unique<simgrid::s4u::Engine>(&argc, argv);
}

broker::BrokerConfig broker_config(const scenario::Scenario& scenario, broker::Mutation mutation) {
  broker::BrokerConfig config;
  config.version =
      scenario.mqtt.version == scenario::MqttVersion::v5 ? mqtt::Version::v5 : mqtt::Version::v311;
  config.max_inflight = scenario.broker.max_inflight;
  config.max_queued = scenario.broker.max_queued;
  config.persistence = scenario.broker.persistence;
  config.payload_limit_bytes = scenario.broker.payload_limit_bytes;
  config.qos2 = scenario.broker.qos2;
  config.qos2_unanswered = scenario.broker.qos2_unanswered;
  config.reorder_window = scenario.broker.reorder_window;
  // Its own stream (seeds are derived, never shared): the reordering is the seed's.
  config.reorder_seed = runtime::derive_rng(scenario.seed, "broker-reorder")();
  config.mutation = mutation;
  config.close_on_denied_publish = scenario.broker.close_on_denied_publish;
  // The platform's custom authorizer (seed talk): every identity stays in its account's
  // topic namespace; the isolation checker judges the same policy from the history.
  auto authorizer = std::make_shared<security::Authorizer>(security::policy_setup(scenario));
  config.authorize = [authorizer](const std::string& client_id, policy::Action action,
                                  const std::string& name) {
    return authorizer->allows(client_id, action, name);
  };
  return config;
}

}  // namespace

fleet::RunStats run_simulation(const scenario::Scenario& whole, history::History& history,
                               const fleet::RunHooks& hooks, fleet::Shard shard) {
  const scenario::Scenario scenario = fleet::shard_scenario(whole, shard);
  auto engine = make_engine();
  EventLoop loop;
  // Every shard plans the faults of the whole fleet (windows drawn per unit from the seed),
  // so a broker crash or a range of homes is hit in every shard at once.
  std::vector<faults::FaultWindow> windows =
      faults::plan_faults(scenario, scenario::layout_fleet(scenario.fleet));
  std::vector<scenario::DeviceSlot> slots =
      fleet::shard_slots(scenario::layout_fleet(scenario.fleet), shard);
  std::vector<int> homes;
  std::vector<std::string> phones;
  for (const auto& slot : slots) {
    if (slot.home < 0)
      phones.push_back(slot.client_id);
    else if (homes.empty() || homes.back() != slot.home)
      homes.push_back(slot.home);
  }
  Platform platform(scenario, homes, phones);
  std::unordered_map<std::string, NodeId> phone_nodes;
  for (std::size_t i = 0; i < phones.size(); ++i) phone_nodes[phones[i]] = platform.phone_node(i);

  if (hooks.on_fault_plan) hooks.on_fault_plan(windows);
  faults::NetworkConditions conditions(windows);
  mqtt::Version version =
      scenario.mqtt.version == scenario::MqttVersion::v5 ? mqtt::Version::v5 : mqtt::Version::v311;
  Transport transport(loop, platform, conditions, scenario.network, version, scenario.seed);
  broker::BrokerConfig config = broker_config(scenario, hooks.misbehaviour.broker);
  std::shared_ptr<identity::IdentityProvider> identities;
  if (scenario.identity.enabled) {
    // The custom authorizer's CONNECT step (docs/security.md): real certificate and token
    // checks at virtual time, then iot:Connect for the CONNECT's client id.
    identities = std::make_shared<identity::IdentityProvider>(scenario.identity, scenario.seed);
    // --- MUTATIONS ignore_token_expiry, ignore_revocation: the authorizer skips that check.
    const identity::Laxity laxity{config.mutation == broker::Mutation::ignore_token_expiry,
                                  config.mutation == broker::Mutation::ignore_revocation};
    config.authenticate = [identities, laxity, policy = security::policy_setup(scenario).policy](
                              const mqtt::Packet& connect, nanoseconds now) {
      const identity::ConnectCheck check = identity::check_connect(
          *identities, *policy, {connect.client_certificate, connect.password}, connect.client_id,
          now, laxity);
      switch (check.outcome) {
        case identity::ConnectCheck::Outcome::accepted:
          return broker::ConnectAnswer::accepted;
        case identity::ConnectCheck::Outcome::bad_credentials:
          return broker::ConnectAnswer::bad_credentials;
        case identity::ConnectCheck::Outcome::not_authorized:
          break;
      }
      return broker::ConnectAnswer::not_authorized;
    };
  }
  BrokerBridge broker(std::move(config), loop, transport);
  SimRuntime runtime(loop, transport, platform, history, std::move(phone_nodes));
  if (identities) {
    // Each CONNECT presents the device's certificate or a token issued now (a reconnect
    // is a refresh).
    runtime.set_credentials([identities, &loop](const std::string& client_id,
                                                const std::string& forgery, mqtt::Packet& p) {
      identity::Credentials c;
      if (forgery.empty()) {
        c = identities->credentials_for(client_id, loop.now());
      } else if (auto f = identity::parse_forgery(forgery)) {
        c = identities->forged(client_id, *f, loop.now());
      } else {
        throw std::invalid_argument("unknown forged credential " + forgery);
      }
      p.client_certificate = std::move(c.certificate);
      p.password = std::move(c.token);
    });
  }
  fleet::Fleet fleet;  // after everything its devices' clients use, so it is destroyed first
  fleet::build_fleet(scenario, runtime, hooks.observations, hooks.misbehaviour, fleet, shard);
  // The fault events go into one shard's history only, so the merged one has each once.
  history::History unrecorded;
  FaultInjector injector(loop, runtime, broker, fleet, shard.index == 0 ? history : unrecorded);
  injector.schedule(windows);

  const nanoseconds end = scenario.duration + scenario.settle;
  for (std::size_t i = 0; i < fleet.devices.size(); ++i) {
    devices::Device* device = fleet.devices[i].get();
    // The cloud service is up before the fleet.
    nanoseconds at = i < fleet.slots.size()
                         ? fleet::start_offset(scenario, fleet.slots[i].client_id)
                         : nanoseconds(0);
    loop.schedule_at(at, [device] { device->start(); });
  }
  for (auto& device : fleet.devices) {
    devices::Device* d = device.get();
    loop.schedule_at(scenario.duration, [d] { d->stop_workload(); });
  }
  std::function<void()> sample = [&] {
    if (hooks.on_broker_sample) hooks.on_broker_sample(loop.now(), broker.broker().stats());
    if (loop.now() + hooks.sample_every <= end) loop.schedule(hooks.sample_every, sample);
  };
  loop.schedule_at(nanoseconds(0), sample);
  std::function<void()> progress = [&] {
    if (hooks.on_progress)
      hooks.on_progress(fleet::Progress{loop.now(), end, loop.events_processed(),
                                        broker.broker().stats().connections});
    if (loop.now() + std::chrono::seconds(1) <= end)
      loop.schedule(std::chrono::seconds(1), progress);
  };
  loop.schedule_at(nanoseconds(0), progress);

  simgrid::s4u::Actor::create("driver", platform.host(kBrokerNode), [&] { loop.run_until(end); });
  engine->run();

  fleet::RunStats stats;
  stats.devices = fleet.slots.size();
  stats.events = loop.events_processed();
  stats.transfers = loop.transfers_started();
  stats.packets = transport.stats().packets;
  stats.wire_bytes = transport.stats().bytes;
  stats.retransmissions = transport.stats().retransmissions;
  stats.broken_connections = transport.stats().broken_connections;
  stats.broker = broker.broker().stats();
  stats.end = end;
  stats.settle_start = scenario.duration;
  runtime.end_run();
  return stats;
}

}  // namespace mqttbed::simulation
