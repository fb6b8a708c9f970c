#include "sim/live/live_run.h"

#include <mqtt/async_client.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <set>
#include <stdexcept>

#include "sim/faults/fault_plan.h"
#include "sim/live/fault_proxy.h"
#include "sim/live/live_faults.h"
#include "sim/live/live_runtime.h"
#include "sim/simulation/fleet_builder.h"
#include "sim/simulation/latency_sampler.h"

namespace mqttbed::live {

namespace {

using std::chrono::nanoseconds;

struct BrokerAddress {
  std::string scheme;  // "tcp" or "ssl"
  std::string host;
  int port = 0;
};

BrokerAddress parse_url(const std::string& url) {
  BrokerAddress address;
  auto scheme_end = url.find("://");
  std::string rest = url;
  if (scheme_end != std::string::npos) {
    address.scheme = url.substr(0, scheme_end);
    rest = url.substr(scheme_end + 3);
  } else {
    address.scheme = "tcp";
  }
  if (address.scheme == "mqtt") address.scheme = "tcp";
  if (address.scheme == "mqtts") address.scheme = "ssl";
  if (address.scheme != "tcp" && address.scheme != "ssl")
    throw std::invalid_argument("--broker " + url +
                                ": expected tcp://host:port or ssl://host:port");
  auto colon = rest.rfind(':');
  address.host = rest.substr(0, colon);
  if (colon == std::string::npos) {
    address.port = address.scheme == "ssl" ? 8883 : 1883;
  } else {
    try {
      address.port = std::stoi(rest.substr(colon + 1));
    } catch (const std::exception&) {
      throw std::invalid_argument("--broker " + url + ": bad port");
    }
  }
  if (address.host.empty() || address.port <= 0 || address.port > 65535)
    throw std::invalid_argument("--broker " + url + ": expected tcp://host:port");
  return address;
}

// The same start ramp as the simulation (simulation.cpp), so a live fleet powers up alike.
nanoseconds start_offset(const scenario::Scenario& scenario, const std::string& client_id) {
  nanoseconds ramp = std::min<nanoseconds>(std::chrono::seconds(10), scenario.duration / 10);
  if (ramp.count() <= 0) return nanoseconds(0);
  auto rng = runtime::derive_rng(scenario.seed, "start/" + client_id);
  return nanoseconds(std::uniform_int_distribution<std::int64_t>(0, ramp.count() - 1)(rng));
}

// The scenario's network latency in the proxy (LiveOptions::emulate_latency): each client's
// path to the broker as the simulator's platform lays it out (platform.cpp), each chunk
// drawing the sum of its link classes' latencies from an RNG of the client's own.
void emulate_path_latency(const scenario::Scenario& scenario, const simulation::Fleet& fleet,
                          const LiveOptions& options, FaultProxy& proxy) {
  using Path = std::vector<const scenario::LinkClass*>;
  const auto& links = scenario.network.links;
  const scenario::LinkClass* lan = &links.at("lan");
  const scenario::LinkClass* uplink = &links.at("uplink");
  const scenario::LinkClass* cloud = &links.at("cloud");
  auto emulate = [&](const std::string& client_id, Path path) {
    auto rng = std::make_shared<runtime::Rng>(
        runtime::derive_rng(scenario.seed, "live-latency/" + client_id));
    proxy.set_path_latency(options.client_prefix + client_id, [rng, path = std::move(path)] {
      nanoseconds total(0);
      for (const auto* link : path)
        total += simulation::latency_floor(link->latency) +
                 simulation::sample_latency_excess(link->latency, *rng);
      return total;
    });
  };
  std::set<std::string> slotted;
  for (const auto& slot : fleet.slots) {
    slotted.insert(slot.client_id);
    emulate(slot.client_id, slot.home >= 0 ? Path{lan, uplink, cloud} : Path{uplink, cloud});
  }
  // The rest are cloud services (the shadow service): their own cloud link, then the broker's.
  for (const auto& [client_id, device] : fleet.by_client)
    if (!slotted.count(client_id)) emulate(client_id, Path{cloud, cloud});
}

}  // namespace

void probe_broker(const LiveOptions& options) {
  parse_url(options.broker_url);
  std::string id = options.client_prefix + "mqttbed-probe-" + std::to_string(getpid());
  try {
    ::mqtt::async_client probe(options.broker_url, id, ::mqtt::create_options(MQTTVERSION_3_1_1));
    ::mqtt::connect_options connect;
    connect.set_mqtt_version(MQTTVERSION_3_1_1);
    connect.set_clean_session(true);
    connect.set_connect_timeout(static_cast<int>(options.probe_timeout.count()));
    if (!options.username.empty()) connect.set_user_name(options.username);
    if (!options.password.empty()) connect.set_password(options.password);
    if (!options.cafile.empty()) {
      ::mqtt::ssl_options ssl;
      ssl.set_trust_store(options.cafile);
      connect.set_ssl(std::move(ssl));
    }
    auto token = probe.connect(connect);
    if (!token->wait_for(options.probe_timeout + std::chrono::seconds(1)))
      throw BrokerUnreachable("broker " + options.broker_url + " did not answer within " +
                              std::to_string(options.probe_timeout.count()) + " s");
    probe.disconnect()->wait_for(options.probe_timeout);
  } catch (const ::mqtt::exception& error) {
    throw BrokerUnreachable("broker " + options.broker_url + " unreachable: " + error.what());
  }
}

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

simulation::SimulationStats run_live(const scenario::Scenario& scenario, history::History& history,
                                     const simulation::SimulationHooks& hooks,
                                     const LiveOptions& options) {
  BrokerAddress address = parse_url(options.broker_url);
  raise_file_limit();
  probe_broker(options);
  auto warn = [&options](const std::string& message) {
    if (options.on_warning) {
      options.on_warning(message);
    } else {
      std::fprintf(stderr, "mqttbed: warning: %s\n", message.c_str());
    }
  };
  if (scenario.mqtt.version == scenario::MqttVersion::v5)
    warn("live runs speak MQTT 3.1.1; the scenario's MQTT 5 is not used");

  LiveLoop loop;
  std::unique_ptr<FaultProxy> proxy;
  std::string server_uri = options.broker_url;
  if (options.use_proxy && address.scheme == "tcp") {
    proxy = std::make_unique<FaultProxy>(address.host, address.port);
    server_uri = "tcp://127.0.0.1:" + std::to_string(proxy->port());
  }
  LiveRuntime runtime(loop, history, options, server_uri, proxy.get());
  simulation::Fleet fleet;
  simulation::build_fleet(scenario, runtime, hooks.observations, hooks.shadow_reuse_version, fleet);
  if (options.emulate_latency) {
    if (proxy) {
      emulate_path_latency(scenario, fleet, options, *proxy);
    } else {
      warn("the scenario's network latency is not emulated without the fault proxy (ssl://)");
    }
  }
  std::vector<faults::FaultWindow> windows = faults::plan_faults(scenario, fleet.slots);
  if (hooks.on_fault_plan) hooks.on_fault_plan(windows);
  LiveFaultInjector injector(loop, proxy.get(), fleet, history, options);
  injector.schedule(windows);

  const nanoseconds end = scenario.duration + scenario.settle;
  for (std::size_t i = 0; i < fleet.devices.size(); ++i) {
    devices::Device* device = fleet.devices[i].get();
    nanoseconds at = i < fleet.slots.size() ? start_offset(scenario, fleet.slots[i].client_id)
                                            : nanoseconds(0);  // the cloud service first
    loop.schedule_at(at, [device] { device->start(); });
    loop.schedule_at(scenario.duration, [device] { device->stop_workload(); });
  }
  std::function<void()> progress = [&] {
    if (hooks.on_progress)
      hooks.on_progress(
          simulation::Progress{loop.now(), end, loop.events_processed(),
                               static_cast<std::uint64_t>(runtime.connected_clients())});
    loop.schedule(std::chrono::seconds(1), progress);
  };
  loop.schedule_at(nanoseconds(0), progress);
  loop.run_until(end);

  simulation::SimulationStats stats;
  stats.devices = fleet.slots.size();
  stats.events = loop.events_processed();
  if (proxy) {
    auto proxy_stats = proxy->stats();
    stats.wire_bytes = proxy_stats.bytes_to_broker + proxy_stats.bytes_to_client;
    stats.broken_connections = proxy_stats.resets;
  }
  stats.end = end;
  stats.settle_start = scenario.duration;
  runtime.end_run();
  fleet.devices.clear();  // clients first, while the loop and proxy they use still exist
  return stats;
}

}  // namespace mqttbed::live
