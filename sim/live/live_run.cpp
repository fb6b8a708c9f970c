#include "sim/live/live_run.h"

#include <fcntl.h>
#include <mqtt/async_client.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unordered_set>
#include <vector>

#include "sim/faults/fault_plan.h"
#include "sim/history/history_file.h"
#include "sim/live/connect_diagnosis.h"
#include "sim/live/fault_proxy.h"
#include "sim/live/live_faults.h"
#include "sim/live/live_runtime.h"
#include "sim/scenario/fleet_layout.h"
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
  BrokerAddress address = parse_url(options.broker_url);
  std::string id = options.client_prefix + "mqttbed-probe-" + std::to_string(getpid());
  // Paho's transport messages ("TCP connect timeout") do not say whether TCP connected;
  // over plain TCP a raw CONNECT finds out. A CONNACK refusal (codes 1..5) is clear as is.
  auto unreachable = [&](const std::string& paho_reason, int code) {
    std::string reason = paho_reason;
    if (address.scheme == "tcp" && (code < 1 || code > 5)) {
      reason = diagnose_mqtt_connect(address.host, address.port, id, options.probe_timeout);
      // Paho's text only where it is not contradicted (TCP did not connect).
      if (reason.rfind("connected to ", 0) != 0) reason += " (Paho: " + paho_reason + ")";
    }
    return BrokerUnreachable("broker " + options.broker_url + " unreachable: " + reason);
  };
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
    // wait_for throws what connect failed with; false means no answer at all in time.
    if (!token->wait_for(options.probe_timeout + std::chrono::seconds(1)))
      throw unreachable(
          "did not answer within " + std::to_string(options.probe_timeout.count()) + " s", -1);
    try {
      probe.disconnect()->wait_for(options.probe_timeout);
    } catch (const ::mqtt::exception&) {
      // It answered CONNACK: reachable, whether or not it lets us say goodbye.
    }
  } catch (const ::mqtt::exception& error) {
    throw unreachable(error.what(), error.get_return_code());
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

namespace {

// A process of the run and how many there are.
struct Shard {
  int index = 0;
  int count = 1;
};

// What one process's part of the run produced, besides its history.
struct ShardResult {
  std::uint64_t events = 0;
  std::uint64_t wire_bytes = 0;
  std::uint64_t resets = 0;
};

using ProgressReport = std::function<void(nanoseconds now, std::uint64_t events, int connected)>;
using Warn = std::function<void(const std::string&)>;

// Sharded, the cloud services (the shadow service: every device's shadow traffic fans in
// there) get a process of their own, so their Paho has one client to look through per packet.
int process_count(const LiveOptions& options, std::size_t slots) {
  if (options.processes > 0) return options.processes;
  std::size_t per = static_cast<std::size_t>(std::max(1, options.clients_per_process));
  if (slots + 1 <= per) return 1;
  return 1 + static_cast<int>((slots + per - 1) / per);
}

// The fleet's client ids in device order (slots, then the cloud services).
std::vector<std::string> device_client_ids(const simulation::Fleet& fleet) {
  std::vector<std::string> ids;
  for (const auto& slot : fleet.slots) ids.push_back(slot.client_id);
  std::map<const devices::Device*, std::string> cloud;
  for (const auto& [id, device] : fleet.by_client) cloud[device] = id;
  for (std::size_t i = fleet.slots.size(); i < fleet.devices.size(); ++i)
    ids.push_back(cloud[fleet.devices[i].get()]);
  return ids;
}

// The cloud services run in process 0; the slots go to the others in contiguous blocks
// (slots are in home order, so a home stays in one process).
int shard_of(std::size_t device, std::size_t slots, int count) {
  if (device >= slots || count <= 1) return 0;
  return 1 + static_cast<int>(device * static_cast<std::size_t>(count - 1) / slots);
}

// One process's part of the run (all of it when unsharded): starts the devices it owns,
// acts out the faults on them, runs the loop to the end and tears its clients down.
ShardResult run_shard(const scenario::Scenario& scenario, const LiveOptions& options,
                      const BrokerAddress& address, Shard shard, LiveLoop& loop,
                      LiveRuntime& runtime, simulation::Fleet& fleet,
                      const std::vector<faults::FaultWindow>& windows, history::History& history,
                      const ProgressReport& report_progress, const Warn& warn) {
  const std::vector<std::string> ids = device_client_ids(fleet);
  std::unordered_set<std::string> mine;
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (shard_of(i, fleet.slots.size(), shard.count) == shard.index) mine.insert(ids[i]);

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
    if (!mine.count(ids[i])) continue;
    devices::Device* device = fleet.devices[i].get();
    nanoseconds at = i < fleet.slots.size() ? start_offset(scenario, fleet.slots[i].client_id)
                                            : nanoseconds(0);  // the cloud service first
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

// What devices measured in a child process, for the parent's hooks.observations.
struct Observed {
  std::vector<devices::CommandRoundTrip> round_trips;
  std::vector<std::pair<std::string, std::string>> superseded;  // app, thing
};

// DIR/shard-I.EXT: where process I leaves its history (jsonl) and observations (obs).
std::string shard_file(const std::string& dir, int index, const char* extension) {
  return dir + "/shard-" + std::to_string(index) + "." + extension;
}

void write_line(int fd, const std::string& line) {
  std::string text = line + "\n";
  [[maybe_unused]] auto written = write(fd, text.data(), text.size());
}

// A child process: runs shard `shard` and reports on `fd` ("progress EVENTS CONNECTED",
// "warn TEXT", "error TEXT", "stats EVENTS WIRE_BYTES RESETS"); its history goes to
// DIR/shard-I.jsonl and what its devices observed to DIR/shard-I.obs. Returns the exit code.
int run_child(const scenario::Scenario& scenario, const LiveOptions& options,
              const BrokerAddress& address, Shard shard, LiveLoop& loop, LiveRuntime& runtime,
              simulation::Fleet& fleet, const std::vector<faults::FaultWindow>& windows,
              history::History& history, const Observed& observed, const std::string& dir, int fd) {
  try {
    LiveOptions local = options;
    local.on_warning = [fd](const std::string& message) { write_line(fd, "warn " + message); };
    history::HistoryFileInfo info;
    info.end_ns = (scenario.duration + scenario.settle).count();
    info.settle_start_ns = scenario.duration.count();
    history::HistoryWriter writer(shard_file(dir, shard.index, "jsonl"), history, info);
    writer.attach(history);
    auto report = [fd](nanoseconds, std::uint64_t events, int connected) {
      write_line(fd, "progress " + std::to_string(events) + " " + std::to_string(connected));
    };
    ShardResult result = run_shard(scenario, local, address, shard, loop, runtime, fleet, windows,
                                   history, report, local.on_warning);
    writer.close();
    std::FILE* obs = std::fopen(shard_file(dir, shard.index, "obs").c_str(), "w");
    if (obs == nullptr) throw std::runtime_error("cannot write the shard's observations");
    for (const auto& trip : observed.round_trips)
      std::fprintf(obs, "rt\t%s\t%s\t%lld\t%lld\n", trip.app.c_str(), trip.thing.c_str(),
                   static_cast<long long>(trip.sent_at.count()),
                   static_cast<long long>(trip.round_trip.count()));
    for (const auto& [app, thing] : observed.superseded)
      std::fprintf(obs, "sup\t%s\t%s\n", app.c_str(), thing.c_str());
    if (std::fclose(obs) != 0) throw std::runtime_error("cannot write the shard's observations");
    write_line(fd, "stats " + std::to_string(result.events) + " " +
                       std::to_string(result.wire_bytes) + " " + std::to_string(result.resets));
    return 0;
  } catch (const std::exception& error) {
    write_line(fd, std::string("error ") + error.what());
    return 1;
  }
}

// Replays a child's DIR/shard-I.obs into the run's hooks.
void replay_observations(const std::string& path, const devices::Observations& observations) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::size_t from = 0;
    for (std::size_t tab; (tab = line.find('\t', from)) != std::string::npos; from = tab + 1)
      fields.push_back(line.substr(from, tab - from));
    fields.push_back(line.substr(from));
    if (fields[0] == "rt" && fields.size() == 5 && observations.on_command_round_trip) {
      observations.on_command_round_trip(
          devices::CommandRoundTrip{fields[1], fields[2], nanoseconds(std::stoll(fields[3])),
                                    nanoseconds(std::stoll(fields[4]))});
    } else if (fields[0] == "sup" && fields.size() == 3 && observations.on_command_superseded) {
      observations.on_command_superseded(fields[1], fields[2]);
    }
  }
}

struct Child {
  pid_t pid = -1;
  int fd = -1;
  std::string buffer;
  std::uint64_t events = 0;
  int connected = 0;
  std::string error;
  ShardResult result;
  bool done = false;
};

// Takes the whole lines a child wrote so far.
void read_child(Child& child, const Warn& warn) {
  char chunk[4096];
  ssize_t got = read(child.fd, chunk, sizeof chunk);
  if (got <= 0) {
    if (got == 0 || (errno != EINTR && errno != EAGAIN)) child.done = true;
    return;
  }
  child.buffer.append(chunk, static_cast<std::size_t>(got));
  for (std::size_t newline; (newline = child.buffer.find('\n')) != std::string::npos;) {
    std::string line = child.buffer.substr(0, newline);
    child.buffer.erase(0, newline + 1);
    std::istringstream fields(line);
    std::string kind;
    fields >> kind;
    if (kind == "progress") {
      fields >> child.events >> child.connected;
    } else if (kind == "stats") {
      fields >> child.result.events >> child.result.wire_bytes >> child.result.resets;
    } else if (kind == "warn") {
      warn(line.substr(5));
    } else if (kind == "error") {
      child.error = line.substr(6);
    }
  }
}

}  // namespace

simulation::SimulationStats run_live(const scenario::Scenario& scenario, history::History& history,
                                     const simulation::SimulationHooks& hooks,
                                     const LiveOptions& options) {
  BrokerAddress address = parse_url(options.broker_url);
  raise_file_limit();
  probe_broker(options);  // its Paho threads end with it: nothing runs but this thread now
  Warn warn = [&options](const std::string& message) {
    if (options.on_warning) {
      options.on_warning(message);
    } else {
      std::fprintf(stderr, "mqttbed: warning: %s\n", message.c_str());
    }
  };
  if (scenario.mqtt.version == scenario::MqttVersion::v5)
    warn("live runs speak MQTT 3.1.1; the scenario's MQTT 5 is not used");

  const int processes = process_count(options, scenario::layout_fleet(scenario.fleet).size());
  const nanoseconds end = scenario.duration + scenario.settle;

  // Sharded, every process records into a history of its own (from the fork on), merged into
  // `history` at the end; devices' observations come back the same way.
  history::History shard_history;
  history::History& record = processes > 1 ? shard_history : history;
  Observed observed;
  devices::Observations observations = hooks.observations;
  if (processes > 1) {
    observations.on_command_round_trip = [&observed](const devices::CommandRoundTrip& trip) {
      observed.round_trips.push_back(trip);
    };
    observations.on_command_superseded = [&observed](const std::string& app,
                                                     const std::string& thing) {
      observed.superseded.emplace_back(app, thing);
    };
  }

  // The whole fleet is built here, before any fork: no Paho client exists until a device
  // connects, so a process pays Paho only for the devices it starts.
  LiveLoop loop;
  LiveRuntime runtime(loop, record, options, options.broker_url, nullptr);
  simulation::Fleet fleet;
  simulation::build_fleet(scenario, runtime, observations, hooks.shadow_reuse_version, fleet);
  std::vector<faults::FaultWindow> windows = faults::plan_faults(scenario, fleet.slots);
  if (hooks.on_fault_plan) hooks.on_fault_plan(windows);

  simulation::SimulationStats stats;
  stats.devices = fleet.slots.size();
  stats.end = end;
  stats.settle_start = scenario.duration;

  if (processes == 1) {
    auto report = [&](nanoseconds now, std::uint64_t events, int connected) {
      if (hooks.on_progress)
        hooks.on_progress(
            simulation::Progress{now, end, events, static_cast<std::uint64_t>(connected)});
    };
    ShardResult result = run_shard(scenario, options, address, Shard{}, loop, runtime, fleet,
                                   windows, history, report, warn);
    stats.events = result.events;
    stats.wire_bytes = result.wire_bytes;
    stats.broken_connections = result.resets;
    return stats;
  }

  // One child per shard, all on one clock starting shortly after the last fork.
  char dir_template[] = "/tmp/mqttbed-live-shards-XXXXXX";
  if (mkdtemp(dir_template) == nullptr)
    throw std::runtime_error(std::string("live run: mkdtemp: ") + std::strerror(errno));
  const std::string dir = dir_template;
  auto cleanup = [&dir] {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  };
  const auto epoch = std::chrono::steady_clock::now() + std::chrono::milliseconds(200) +
                     std::chrono::milliseconds(20) * processes;
  loop.start_clock_at(epoch);
  std::vector<Child> children(static_cast<std::size_t>(processes));
  std::fflush(nullptr);
  auto abandon = [&](const char* what) {
    std::string message = std::string("live run: ") + what + ": " + std::strerror(errno);
    for (auto& child : children) {
      if (child.pid <= 0) continue;
      kill(child.pid, SIGKILL);
      waitpid(child.pid, nullptr, 0);
      close(child.fd);
    }
    cleanup();
    throw std::runtime_error(message);
  };
  for (int i = 0; i < processes; ++i) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) abandon("pipe");
    pid_t pid = fork();
    if (pid < 0) {
      close(fds[0]);
      close(fds[1]);
      abandon("fork");
    }
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the run
      close(fds[0]);
      for (int j = 0; j < i; ++j) close(children[static_cast<std::size_t>(j)].fd);
      int code = run_child(scenario, options, address, Shard{i, processes}, loop, runtime, fleet,
                           windows, record, observed, dir, fds[1]);
      std::_Exit(code);  // nothing of the parent's is torn down in the child
    }
    close(fds[1]);
    children[static_cast<std::size_t>(i)].pid = pid;
    children[static_cast<std::size_t>(i)].fd = fds[0];
  }

  // Progress while they run; their warnings and errors, then their exit.
  auto last_report = std::chrono::steady_clock::now();
  for (;;) {
    std::vector<pollfd> waiting;
    std::vector<Child*> owners;
    for (auto& child : children) {
      if (child.done) continue;
      waiting.push_back(pollfd{child.fd, POLLIN, 0});
      owners.push_back(&child);
    }
    if (waiting.empty()) break;
    poll(waiting.data(), waiting.size(), 1000);
    for (std::size_t k = 0; k < waiting.size(); ++k)
      if (waiting[k].revents != 0) read_child(*owners[k], warn);
    auto now = std::chrono::steady_clock::now();
    if (hooks.on_progress && now - last_report >= std::chrono::seconds(1)) {
      last_report = now;
      simulation::Progress progress{
          std::max(nanoseconds(0), std::chrono::duration_cast<nanoseconds>(now - epoch)), end};
      for (const auto& child : children) {
        progress.events += child.events;
        progress.connected_clients += static_cast<std::uint64_t>(child.connected);
      }
      hooks.on_progress(progress);
    }
  }
  std::string failure;
  for (std::size_t i = 0; i < children.size(); ++i) {
    Child& child = children[i];
    close(child.fd);
    int status = 0;
    waitpid(child.pid, &status, 0);
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok && failure.empty()) {
      failure = "live run: process " + std::to_string(i + 1) + " of " + std::to_string(processes) +
                " failed: " +
                (!child.error.empty() ? child.error
                 : WIFSIGNALED(status)
                     ? std::string("killed by signal ") + std::to_string(WTERMSIG(status))
                     : "exit status " + std::to_string(WEXITSTATUS(status)));
    }
  }
  runtime.end_run();
  fleet.devices.clear();
  if (!failure.empty()) {
    cleanup();
    throw std::runtime_error(failure);
  }

  // One history, in time order, judged once by the observers of `history`.
  std::vector<std::string> paths;
  for (int i = 0; i < processes; ++i) paths.push_back(shard_file(dir, i, "jsonl"));
  try {
    history::merge_history_files(paths, history);
    for (int i = 0; i < processes; ++i)
      replay_observations(shard_file(dir, i, "obs"), hooks.observations);
  } catch (...) {
    cleanup();
    throw;
  }
  cleanup();
  for (const auto& child : children) {
    stats.events += child.result.events;
    stats.wire_bytes += child.result.wire_bytes;
    stats.broken_connections += child.result.resets;
  }
  return stats;
}

}  // namespace mqttbed::live
