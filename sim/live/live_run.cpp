#include "sim/live/live_run.h"

#include <sys/resource.h>

#include <cstdio>
#include <memory>
#include <unordered_set>
#include <vector>

#include "sim/faults/fault_plan.h"
#include "sim/fleet/fleet.h"
#include "sim/fleet/latency_sampler.h"
#include "sim/fleet/network_path.h"
#include "sim/fleet/start_ramp.h"
#include "sim/live/broker_address.h"
#include "sim/live/fault_proxy.h"
#include "sim/live/live_faults.h"
#include "sim/live/live_runtime.h"
#include "sim/live/process_shards.h"
#include "sim/scenario/fleet_layout.h"

namespace mqttbed::live {

namespace {

using std::chrono::nanoseconds;

// The scenario's network latency in the proxy (LiveOptions::emulate_latency): each client's
// path to the broker as the simulator lays it out (fleet/network_path.h), each chunk
// drawing the sum of its link classes' latencies from an RNG of the client's own.
void emulate_path_latency(const scenario::Scenario& scenario, const fleet::Fleet& fleet,
                          const LiveOptions& options, FaultProxy& proxy) {
  for (std::size_t i = 0; i < fleet.devices.size(); ++i) {
    const std::string& client_id = fleet.client_ids[i];
    fleet::Site site =
        fleet.is_cloud(i) ? fleet::Site::cloud_service : fleet::site_of_slot(fleet.slots[i].home);
    auto rng = std::make_shared<runtime::Rng>(
        runtime::derive_rng(scenario.seed, "live-latency/" + client_id));
    proxy.set_path_latency(options.client_prefix + client_id,
                           [rng, path = fleet::path_to_broker(scenario.network, site)] {
                             nanoseconds total(0);
                             for (const auto* link : path)
                               total += fleet::latency_floor(link->latency) +
                                        fleet::sample_latency_excess(link->latency, *rng);
                             return total;
                           });
  }
}

// One process's part of the run (all of it when unsharded): starts the devices it owns,
// acts out the faults on them, runs the loop to the end and tears its clients down.
ShardResult run_shard(const scenario::Scenario& scenario, const LiveOptions& options,
                      const BrokerAddress& address, Shard shard, LiveLoop& loop,
                      LiveRuntime& runtime, fleet::Fleet& fleet,
                      const std::vector<faults::FaultWindow>& windows, history::History& history,
                      const ProgressReport& report_progress, const Warn& warn) {
  std::unordered_set<std::string> mine;
  for (std::size_t i = 0; i < fleet.client_ids.size(); ++i)
    if (shard_of(i, fleet.slots.size(), shard.count) == shard.index)
      mine.insert(fleet.client_ids[i]);

  std::unique_ptr<FaultProxy> proxy;
  if (options.use_proxy && address.scheme == "tcp")
    proxy = std::make_unique<FaultProxy>(address.host, address.port);
  LiveFaultInjector injector(loop, proxy.get(), fleet, history, options);
  if (shard.count > 1)
    injector.restrict_to([&mine](const std::string& id) { return mine.count(id) > 0; },
                         shard.index == 0);
  if (proxy) {
    std::string proxy_uri = "tcp://127.0.0.1:" + std::to_string(proxy->port());
    if (options.emulate_latency) {
      emulate_path_latency(scenario, fleet, options, *proxy);
      runtime.set_routes(proxy_uri, proxy.get());
    } else {
      // Only the devices a fault acts on in the proxy go through it (3 descriptors each); the
      // rest connect straight to the broker (1 each).
      runtime.set_routes(proxy_uri, proxy.get(), options.broker_url,
                         injector.proxy_targets(windows));
    }
  } else if (options.emulate_latency && shard.index == 0) {
    warn("the scenario's network latency is not emulated without the fault proxy (ssl://)");
  }
  injector.schedule(windows);

  const nanoseconds end = scenario.duration + scenario.settle;
  for (std::size_t i = 0; i < fleet.devices.size(); ++i) {
    if (!mine.count(fleet.client_ids[i])) continue;
    devices::Device* device = fleet.devices[i].get();
    nanoseconds at = fleet.is_cloud(i) ? nanoseconds(0)  // the cloud service first
                                       : fleet::start_offset(scenario, fleet.client_ids[i]);
    loop.schedule_at(at, [device] { device->start(); });
    loop.schedule_at(scenario.duration, [device] { device->stop_workload(); });
  }
  std::function<void()> progress = [&] {
    report_progress(loop.now(), loop.events_processed(), runtime.connected_clients());
    loop.schedule(std::chrono::seconds(1), progress);
  };
  loop.schedule_at(nanoseconds(0), progress);
  loop.run_until(end);

  ShardResult result;
  result.events = loop.events_processed();
  if (proxy) {
    auto proxy_stats = proxy->stats();
    result.wire_bytes = proxy_stats.bytes_to_broker + proxy_stats.bytes_to_client;
    result.resets = proxy_stats.resets;
  }
  runtime.end_run();
  fleet.devices.clear();  // clients first, while the loop and proxy they use still exist
  return result;
}

}  // namespace

long raise_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  return static_cast<long>(limit.rlim_cur);
}

fleet::RunStats run_live(const scenario::Scenario& scenario, history::History& history,
                         const fleet::RunHooks& hooks, const LiveOptions& options) {
  BrokerAddress address = parse_broker_url(options.broker_url);
  raise_file_limit();
  probe_broker(options);  // its Paho threads end with it: nothing runs but this thread now
  Warn warn = [&options](const std::string& message) {
    if (options.on_warning) {
      options.on_warning(message);
    } else {
      std::fprintf(stderr, "mqttbed: warning: %s\n", message.c_str());
    }
  };

  const int processes = process_count(options, scenario::layout_fleet(scenario.fleet).size());
  const nanoseconds end = scenario.duration + scenario.settle;

  // Sharded, every process records into a history of its own (from the fork on), merged into
  // `history` at the end; devices' observations come back the same way.
  history::History shard_history;
  history::History& record = processes > 1 ? shard_history : history;
  Observed observed;
  devices::Observations observations =
      processes > 1 ? collecting_observations(observed) : hooks.observations;

  // The whole fleet is built here, before any fork: no Paho client exists until a device
  // connects, so a process pays Paho only for the devices it starts.
  LiveLoop loop;
  LiveRuntime runtime(loop, record, options, options.broker_url, nullptr);
  fleet::Fleet fleet;
  fleet::build_fleet(scenario, runtime, observations, hooks.misbehaviour, fleet);
  std::vector<faults::FaultWindow> windows = faults::plan_faults(scenario, fleet.slots);
  if (hooks.on_fault_plan) hooks.on_fault_plan(windows);

  ShardBody body = [&](Shard shard, const Warn& shard_warn, const ProgressReport& report) {
    LiveOptions local = options;
    local.on_warning = shard_warn;
    return run_shard(scenario, local, address, shard, loop, runtime, fleet, windows, record, report,
                     shard_warn);
  };
  ShardResult result;
  if (processes == 1) {
    result = body(Shard{}, warn, [&](nanoseconds now, std::uint64_t events, int connected) {
      if (hooks.on_progress)
        hooks.on_progress(fleet::Progress{now, end, events, static_cast<std::uint64_t>(connected)});
    });
  } else {
    result = run_in_processes(
        ShardedRun{processes, end, scenario.duration}, loop, record, observed, body,
        hooks.on_progress, warn,
        [&] {
          runtime.end_run();
          fleet.devices.clear();
        },
        history, hooks.observations);
  }

  fleet::RunStats stats;
  stats.devices = fleet.slots.size();
  stats.end = end;
  stats.settle_start = scenario.duration;
  stats.events = result.events;
  stats.wire_bytes = result.wire_bytes;
  stats.broken_connections = result.resets;
  return stats;
}

}  // namespace mqttbed::live
