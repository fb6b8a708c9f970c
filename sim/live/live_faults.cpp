#include "sim/live/live_faults.h"

#include <cstdio>
#include <cstdlib>
#include <set>

namespace mqttbed::live {

using Kind = scenario::Fault::Kind;

namespace {
// Acted out on the connections, in the fault proxy (the rest go through the devices or the
// broker command).
bool through_proxy(const faults::FaultWindow& window) {
  return window.kind != Kind::broker_crash && !(window.kind == Kind::disconnect && window.graceful);
}
}  // namespace

LiveFaultInjector::LiveFaultInjector(LiveLoop& loop, FaultProxy* proxy, fleet::Fleet& fleet,
                                     history::History& history, const LiveOptions& options)
    : loop_(loop),
      proxy_(proxy),
      fleet_(fleet),
      options_(options),
      recorder_(history, "faults", [&loop] { return loop.now().count(); }) {}

LiveFaultInjector::~LiveFaultInjector() {
  for (auto& command : commands_) command.join();
}

void LiveFaultInjector::schedule(const std::vector<faults::FaultWindow>& windows) {
  for (const auto& window : windows) {
    loop_.schedule_at(window.start, [this, &window] { begin(window); });
    loop_.schedule_at(window.end, [this, &window] { end(window); });
  }
}

void LiveFaultInjector::warn(const std::string& message) {
  if (options_.on_warning) {
    options_.on_warning(message);
  } else {
    std::fprintf(stderr, "mqttbed: warning: %s\n", message.c_str());
  }
}

devices::Device* LiveFaultInjector::device(const std::string& client_id) const {
  auto it = fleet_.by_client.find(client_id);
  return it == fleet_.by_client.end() ? nullptr : it->second;
}

std::string LiveFaultInjector::wire_id(const std::string& client_id) const {
  return options_.client_prefix + client_id;
}

// Homes-scoped windows name homes; the proxy knows connections by client id, so a home
// stands for every device in it (its LAN and uplink are what the fault cuts). Only this
// process's clients when the run is sharded (restrict_to).
std::vector<std::string> LiveFaultInjector::targets(const faults::FaultWindow& window) const {
  std::vector<std::string> ids;
  auto add = [&](const std::string& id) {
    if (!owns_ || owns_(id)) ids.push_back(id);
  };
  if (window.scope == faults::FaultWindow::Scope::clients) {
    for (const auto& id : window.clients) add(id);
    return ids;
  }
  if (window.scope == faults::FaultWindow::Scope::broker) {
    for (const auto& slot : fleet_.slots) add(slot.client_id);
    return ids;
  }
  std::set<int> homes(window.homes.begin(), window.homes.end());
  for (const auto& slot : fleet_.slots)
    if (homes.count(slot.home)) add(slot.client_id);
  return ids;
}

std::unordered_set<std::string> LiveFaultInjector::proxy_targets(
    const std::vector<faults::FaultWindow>& windows) const {
  std::unordered_set<std::string> ids;
  for (const auto& window : windows) {
    if (!through_proxy(window)) continue;
    for (auto& id : targets(window)) ids.insert(std::move(id));
  }
  return ids;
}

void LiveFaultInjector::run_broker_command(const char* action) {
  std::string command = options_.broker_restart_cmd + " " + action;
  // Off the loop: a restart may take seconds and devices must keep running meanwhile.
  commands_.emplace_back([this, command] {
    int status = std::system(command.c_str());
    if (status != 0) {
      std::string message =
          "--broker-restart-cmd: '" + command + "' exited with " + std::to_string(status);
      loop_.post([this, message] { warn(message); });
    }
  });
}

void LiveFaultInjector::begin(const faults::FaultWindow& window) {
  std::string text = std::string(scenario::to_string(window.kind)) + " " + window.target_text;
  if (lead_)
    recorder_.fault(window.clients.size() == 1 ? window.clients.front() : "*", "begin " + text);
  if (window.kind == Kind::broker_crash ? !lead_ : targets(window).empty()) return;
  if (through_proxy(window) && proxy_ == nullptr) {
    warn("fault '" + text + "' skipped: network faults need the fault proxy (tcp:// only)");
    return;
  }
  switch (window.kind) {
    case Kind::broker_crash:
      if (options_.broker_restart_cmd.empty()) {
        warn("broker_crash at " + std::to_string(window.start.count() / 1000000) +
             " ms skipped: no --broker-restart-cmd given");
      } else {
        run_broker_command("crash");
      }
      break;
    case Kind::disconnect:
      for (const auto& id : targets(window)) {
        if (window.graceful) {
          if (auto* d = device(id)) d->disconnect_gracefully();
        } else {
          // The device's link is cut: it sees its connection reset at once, the broker sees
          // nothing and must notice by keepalive; new attempts wait until the window ends.
          proxy_->add_blackhole(wire_id(id));
          proxy_->reset(wire_id(id), FaultProxy::Side::client);
        }
      }
      break;
    case Kind::device_reboot:
      for (const auto& id : targets(window)) {
        proxy_->add_blackhole(wire_id(id));
        if (auto* d = device(id)) d->reboot();
      }
      break;
    case Kind::partition:
      for (const auto& id : targets(window)) proxy_->add_blackhole(wire_id(id));
      break;
    case Kind::latency_spike:
      for (const auto& id : targets(window))
        proxy_->add_latency(wire_id(id), window.extra_latency, window.extra_latency);
      break;
    case Kind::loss_burst:
      for (const auto& id : targets(window)) {
        if (window.loss >= kStallLoss) {
          proxy_->add_blackhole(wire_id(id));
        } else {
          proxy_->add_latency(wire_id(id), kLightLossDelay, kLightLossDelay);
        }
      }
      break;
  }
}

void LiveFaultInjector::end(const faults::FaultWindow& window) {
  std::string text = std::string(scenario::to_string(window.kind)) + " " + window.target_text;
  if (lead_)
    recorder_.fault(window.clients.size() == 1 ? window.clients.front() : "*", "end " + text);
  if (window.kind == Kind::broker_crash) {
    if (lead_ && !options_.broker_restart_cmd.empty()) run_broker_command("restart");
    return;
  }
  if (window.kind == Kind::disconnect && window.graceful) {
    for (const auto& id : targets(window))
      if (auto* d = device(id)) d->resume();
    return;
  }
  if (proxy_ == nullptr) return;
  for (const auto& id : targets(window)) {
    switch (window.kind) {
      case Kind::latency_spike:
        proxy_->remove_latency(wire_id(id), window.extra_latency, window.extra_latency);
        break;
      case Kind::loss_burst:
        if (window.loss >= kStallLoss) {
          proxy_->remove_blackhole(wire_id(id));
        } else {
          proxy_->remove_latency(wire_id(id), kLightLossDelay, kLightLossDelay);
        }
        break;
      default:
        proxy_->remove_blackhole(wire_id(id));
        break;
    }
  }
}

}  // namespace mqttbed::live
