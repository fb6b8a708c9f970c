// Fleet-scale benchmark: a smart-home fleet of N devices for one virtual hour, either through
// all of mqttbed (devices, MQTT client and broker model, checkers, metrics) or as a bare
// SimGrid baseline moving the same messages over the same platform with no MQTT logic.
// One run per process (SimGrid's engine is global); bench/run_fleet_bench.sh drives sizes.
#include <sys/resource.h>
#include <xbt/log.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <string>

#include "sim/check/check_catalog.h"
#include "sim/check/checker_thread.h"
#include "sim/check/checks.h"
#include "sim/history/history.h"
#include "sim/report/metrics.h"
#include "sim/run/catalog.h"
#include "sim/scenario/fleet_layout.h"
#include "sim/scenario/loader.h"
#include "sim/simulation/event_loop.h"
#include "sim/simulation/platform.h"
#include "sim/simulation/simulation.h"

namespace {

using namespace mqttbed;

// Eight home devices (gateway, 4 lights, 3 sensors) + one app per home's account: 9 a home.
// Every device publishes about once a virtual minute, as in shared/notes/simgrid-scale.md.
std::string fleet_yaml(int devices) {
  int homes = std::max(1, devices / 9);
  return "name: fleet-bench\nseed: 1\nduration: 1h\nsettle: 1m\n"
         "mqtt: {keepalive: 60s}\n"
         "network:\n  links:\n"
         "    lan: {latency: 1ms, bandwidth: 100Mbps}\n"
         "    uplink: {latency: {dist: uniform, min: 5ms, max: 15ms}, bandwidth: 10Mbps}\n"
         "    cloud: {latency: 0.1ms, bandwidth: 1Gbps}\n"
         "fleet:\n  homes: " +
         std::to_string(homes) +
         "\n  per_home:\n"
         "    - {kind: gateway, count: 1, params: {summary_every: 1m}}\n"
         "    - {kind: light, count: 4, params: {report_every: 1m}}\n"
         "    - {kind: sensor, count: 3, params: {every: 1m, qos: 1, payload_bytes: 200B}}\n"
         "  per_account:\n    - {kind: app, count: 1, params: {command_every: 1m}}\n"
         "checks: [qos, ordering, retained, will, sessions, shadow, isolation, completeness]\n";
}

// CPU seconds of this process: on a shared machine, a steadier figure than wall time.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

int run_mqttbed(int devices, bool with_checks) {
  scenario::Scenario scenario = run::load_scenario_text(fleet_yaml(devices), "fleet-bench");
  history::History history;
  // As a run does (run/pipeline.cpp): the checkers on their own thread, metrics inline.
  std::optional<check::CheckerThread> checkers;
  report::Metrics metrics(history, report::metrics_options_for(scenario));
  if (with_checks) {
    checkers.emplace(check::make_checkers(check::scenario_check_names()));
    checkers->attach(history);
    metrics.attach(history);
  }
  std::uint64_t published = 0, delivered = 0;
  history.add_observer([&](const history::Event& e) {
    published += e.type == history::EventType::publish_sent;
    delivered += e.type == history::EventType::delivered;
  });
  auto start = std::chrono::steady_clock::now();
  fleet::RunHooks hooks;
  // Progress on stderr every 5 virtual minutes: a 100k run takes minutes.
  hooks.on_progress = [&](const fleet::Progress& progress) {
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(progress.now).count();
    if (seconds % 300 == 0)
      std::fprintf(stderr, "virtual %4llds  cpu %7.1fs  rss %6.0f MiB\n",
                   static_cast<long long>(seconds), cpu_seconds(), peak_rss_mib());
  };
  auto stats = simulation::run_simulation(scenario, history, hooks);
  if (with_checks) {
    check::CheckContext context{stats.end.count(), stats.settle_start.count()};
    checkers->finish(context);
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double virtual_s = std::chrono::duration<double>(stats.end).count();
  std::printf(
      "mode=%s devices=%llu wall_s=%.2f cpu_s=%.2f peak_rss_mib=%.0f published=%llu delivered=%llu "
      "packets=%llu history_events=%llu events_per_s=%.0f speedup=%.1f\n",
      with_checks ? "mqttbed" : "mqttbed-nochecks", static_cast<unsigned long long>(stats.devices),
      wall, cpu_seconds(), peak_rss_mib(), static_cast<unsigned long long>(published),
      static_cast<unsigned long long>(delivered), static_cast<unsigned long long>(stats.packets),
      static_cast<unsigned long long>(history.size()), stats.events / wall, virtual_s / wall);
  return 0;
}

// The same platform and message pattern (each device's message goes to the broker, the
// broker forwards it to the account's app), with no MQTT, devices, broker model or checkers.
int run_baseline(int devices) {
  scenario::Scenario scenario = run::load_scenario_text(fleet_yaml(devices), "fleet-bench");
  xbt_log_control_set("root.thresh:critical");
  int argc = 2;
  char arg0[] = "baseline", arg1[] = "--cfg=network/model:CM02";
  char* argv[] = {arg0, arg1, nullptr};
  simgrid::s4u::Engine engine(&argc, argv);
  auto slots = scenario::layout_fleet(scenario.fleet);
  std::vector<std::string> phones;
  for (const auto& slot : slots)
    if (slot.home < 0) phones.push_back(slot.client_id);
  std::vector<int> homes(static_cast<std::size_t>(scenario.fleet.homes));
  for (std::size_t h = 0; h < homes.size(); ++h) homes[h] = static_cast<int>(h);
  simulation::Platform platform(scenario, homes, phones);
  simulation::EventLoop loop;
  std::uint64_t messages = 0;
  const auto end = scenario.duration + scenario.settle;
  std::size_t phone = 0;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const auto& slot = slots[i];
    simulation::NodeId from =
        slot.home >= 0 ? platform.home_node(slot.home) : platform.phone_node(phone++);
    // One app per account, accounts in order: the account's app is phone number `account`.
    simulation::NodeId app = platform.phone_node(static_cast<std::size_t>(slot.account));
    // Spread over the minute like the mqttbed fleet (a prime stride over milliseconds).
    auto first = std::chrono::milliseconds((i * 7919) % 60'000);
    auto publish = std::make_shared<std::function<void()>>();
    // Like mqttbed's transport: each hop waits its path's latency, then SimGrid moves the bytes.
    *publish = [&, from, app, publish] {
      ++messages;
      loop.schedule(platform.path_latency_floor(from), [&, from, app] {
        loop.start_transfer(platform.host(from), platform.host(simulation::kBrokerNode), 240,
                            [&, app] {
                              loop.schedule(platform.path_latency_floor(app), [&, app] {
                                loop.start_transfer(platform.host(simulation::kBrokerNode),
                                                    platform.host(app), 240, [] {});
                              });
                            });
      });
      if (loop.now() + std::chrono::minutes(1) < scenario.duration)
        loop.schedule(std::chrono::minutes(1), *publish);
    };
    loop.schedule_at(first, *publish);
  }
  auto start = std::chrono::steady_clock::now();
  simgrid::s4u::Actor::create("driver", platform.host(simulation::kBrokerNode),
                              [&] { loop.run_until(end); });
  engine.run();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "mode=baseline devices=%zu wall_s=%.2f cpu_s=%.2f peak_rss_mib=%.0f published=%llu "
      "transfers=%llu "
      "events_per_s=%.0f speedup=%.1f\n",
      slots.size(), wall, cpu_seconds(), peak_rss_mib(), static_cast<unsigned long long>(messages),
      static_cast<unsigned long long>(loop.transfers_started()), loop.events_processed() / wall,
      std::chrono::duration<double>(end).count() / wall);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fleet_bench mqttbed|mqttbed-nochecks|baseline DEVICES\n");
    return 2;
  }
  std::string mode = argv[1];
  int devices = std::atoi(argv[2]);
  if (mode == "baseline") return run_baseline(devices);
  return run_mqttbed(devices, mode == "mqttbed");
}
