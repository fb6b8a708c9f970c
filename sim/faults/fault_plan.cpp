#include "sim/faults/fault_plan.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <random>

#include "sim/runtime/runtime.h"

namespace mqttbed::faults {

using scenario::Fault;
using scenario::Target;

namespace {

bool is_network_fault(Fault::Kind kind) {
  return kind == Fault::Kind::partition || kind == Fault::Kind::latency_spike ||
         kind == Fault::Kind::loss_burst;
}

std::vector<int> target_homes(const scenario::Scenario& scenario, const Target& target) {
  int begin = 0, end = scenario.fleet.homes;
  if (target.kind == Target::Kind::homes) {
    begin = target.home_begin;
    end = target.home_end;
  }
  std::vector<int> homes;
  for (int h = begin; h < end; ++h) homes.push_back(h);
  return homes;
}

std::vector<std::string> target_clients(const Target& target,
                                        const std::vector<scenario::DeviceSlot>& fleet) {
  std::vector<std::string> clients;
  for (const auto& slot : fleet) {
    bool selected = false;
    switch (target.kind) {
      case Target::Kind::all:
        selected = true;
        break;
      case Target::Kind::isp:
        selected = slot.home >= 0;
        break;
      case Target::Kind::broker:
        break;
      case Target::Kind::device_kind:
        selected = slot.kind == target.device_kind;
        break;
      case Target::Kind::homes:
        selected = slot.home >= target.home_begin && slot.home < target.home_end;
        break;
      case Target::Kind::names:
        selected = std::find(target.names.begin(), target.names.end(), slot.client_id) !=
                   target.names.end();
        break;
    }
    if (selected) clients.push_back(slot.client_id);
  }
  return clients;
}

Duration fault_length(const Fault& fault) {
  if (fault.kind == Fault::Kind::broker_crash) return fault.downtime;
  return fault.duration.value_or(Duration(0));
}

FaultWindow base_window(const Fault& fault, std::size_t index) {
  FaultWindow window;
  window.kind = fault.kind;
  window.fault_index = index;
  window.scope = scope_for(fault);
  window.graceful = fault.graceful;
  window.extra_latency = fault.extra_latency;
  window.loss = fault.loss;
  window.target_text = fault.target.text;
  return window;
}

Duration exponential(runtime::Rng& rng, Duration mean) {
  double seconds =
      std::exponential_distribution<double>(1.0 / std::chrono::duration<double>(mean).count())(rng);
  return Duration(static_cast<std::int64_t>(seconds * 1e9));
}

// Alternating up/down periods of one unit, clipped to the run's fault phase.
void add_random_windows(const FaultWindow& base, const Fault& fault, std::uint64_t seed,
                        const std::string& stream_key, const std::string& unit, Duration horizon,
                        std::vector<FaultWindow>& out) {
  auto rng = runtime::derive_rng(seed, "fault/" + stream_key + "/" + unit);
  Duration t = exponential(rng, *fault.mtbf);
  while (t < horizon) {
    Duration down = exponential(rng, *fault.mttr);
    FaultWindow window = base;
    window.start = t;
    window.end = std::min(t + down, horizon);
    window.target_text = base.target_text + " (" + unit + ")";
    out.push_back(std::move(window));
    t += down + exponential(rng, *fault.mtbf);
  }
}

void append_duration(std::string& out, const char* key, std::optional<Duration> value) {
  if (!value) return;
  out += ' ';
  out += key;
  out += '=';
  out += std::to_string(value->count());
  out += "ns";
}

std::string target_key(const Target& target) {
  switch (target.kind) {
    case Target::Kind::all:
      return "all";
    case Target::Kind::device_kind:
      return "kind=" + target.device_kind;
    case Target::Kind::homes:
      return "homes[" + std::to_string(target.home_begin) + ":" + std::to_string(target.home_end) +
             "]";
    case Target::Kind::names: {
      std::string out = "name=";
      for (std::size_t i = 0; i < target.names.size(); ++i) {
        out += (i == 0 ? "" : ",") + target.names[i];
      }
      return out;
    }
    case Target::Kind::isp:
      return "isp";
    case Target::Kind::broker:
      return "broker";
  }
  return target.text;
}

// Everything the fault is, as typed values (durations in ns), independent of how the YAML
// spelled them: "30s" and "30000ms" are the same fault.
std::string content_key(const Fault& fault) {
  std::string out = scenario::to_string(fault.kind);
  out += " target=" + target_key(fault.target);
  append_duration(out, "at", fault.at);
  append_duration(out, "for", fault.duration);
  append_duration(out, "mtbf", fault.mtbf);
  append_duration(out, "mttr", fault.mttr);
  if (fault.graceful) out += " graceful";
  if (fault.extra_latency.count() != 0) append_duration(out, "extra_latency", fault.extra_latency);
  if (fault.loss != 0) {
    char loss[32];
    std::snprintf(loss, sizeof loss, " loss=%.17g", fault.loss);
    out += loss;
  }
  if (fault.downtime.count() != 0) append_duration(out, "downtime", fault.downtime);
  return out;
}

}  // namespace

std::vector<std::string> fault_stream_keys(const std::vector<Fault>& faults) {
  std::vector<std::string> keys;
  std::map<std::string, int> seen;  // content -> occurrences so far
  for (const Fault& fault : faults) {
    if (!fault.name.empty()) {
      keys.push_back("name/" + fault.name);
      continue;
    }
    std::string key = "content/" + content_key(fault);
    const int occurrence = ++seen[key];
    if (occurrence > 1) key += "#" + std::to_string(occurrence);
    keys.push_back(std::move(key));
  }
  return keys;
}

FaultWindow::Scope scope_for(const Fault& fault) {
  if (fault.kind == Fault::Kind::broker_crash) return FaultWindow::Scope::broker;
  bool home_target =
      fault.target.kind == Target::Kind::homes || fault.target.kind == Target::Kind::isp;
  return is_network_fault(fault.kind) && home_target ? FaultWindow::Scope::homes
                                                     : FaultWindow::Scope::clients;
}

std::vector<FaultWindow> plan_faults(const scenario::Scenario& scenario,
                                     const std::vector<scenario::DeviceSlot>& fleet) {
  std::vector<FaultWindow> windows;
  const std::vector<std::string> keys = fault_stream_keys(scenario.faults);
  for (std::size_t i = 0; i < scenario.faults.size(); ++i) {
    const Fault& fault = scenario.faults[i];
    const std::string& key = keys[i];
    FaultWindow base = base_window(fault, i);
    if (base.scope == FaultWindow::Scope::homes) base.homes = target_homes(scenario, fault.target);
    if (base.scope == FaultWindow::Scope::clients)
      base.clients = target_clients(fault.target, fleet);
    if (fault.at) {
      base.start = *fault.at;
      base.end = std::min(*fault.at + fault_length(fault), scenario.duration);
      windows.push_back(std::move(base));
      continue;
    }
    // Random: one independent sequence per unit, so a unit's faults do not depend on
    // how many other units the target selects.
    if (base.scope == FaultWindow::Scope::broker) {
      add_random_windows(base, fault, scenario.seed, key, "broker", scenario.duration, windows);
    } else if (base.scope == FaultWindow::Scope::homes) {
      for (int home : base.homes) {
        FaultWindow unit = base;
        unit.homes = {home};
        add_random_windows(unit, fault, scenario.seed, key, "home" + std::to_string(home),
                           scenario.duration, windows);
      }
    } else {
      for (const auto& client : base.clients) {
        FaultWindow unit = base;
        unit.clients = {client};
        add_random_windows(unit, fault, scenario.seed, key, client, scenario.duration, windows);
      }
    }
  }
  std::stable_sort(windows.begin(), windows.end(),
                   [](const FaultWindow& a, const FaultWindow& b) { return a.start < b.start; });
  return windows;
}

}  // namespace mqttbed::faults
