#include "sim/simulation/fault_injector.h"

namespace mqttbed::simulation {

using Kind = scenario::Fault::Kind;

FaultInjector::FaultInjector(EventLoop& loop, SimRuntime& runtime, BrokerBridge& broker,
                             fleet::Fleet& fleet, history::History& history)
    : loop_(loop),
      runtime_(runtime),
      broker_(broker),
      fleet_(fleet),
      recorder_(history, "faults", [&loop] { return loop.now().count(); }) {}

void FaultInjector::schedule(const std::vector<faults::FaultWindow>& windows) {
  for (const auto& window : windows) {
    loop_.schedule_at(window.start, [this, &window] { begin(window); });
    loop_.schedule_at(window.end, [this, &window] { end(window); });
  }
}

devices::Device* FaultInjector::device(const std::string& client_id) const {
  auto it = fleet_.by_client.find(client_id);
  return it == fleet_.by_client.end() ? nullptr : it->second;
}

void FaultInjector::record(const faults::FaultWindow& window, const char* phase) {
  std::string target = window.clients.size() == 1 ? window.clients.front() : "*";
  std::string kind = scenario::to_string(window.kind);
  if (window.kind == Kind::disconnect && window.graceful) kind = "graceful_disconnect";
  recorder_.fault(target, std::string(phase) + " " + kind + " " + window.target_text);
}

void FaultInjector::begin(const faults::FaultWindow& window) {
  record(window, "begin");
  switch (window.kind) {
    case Kind::broker_crash:
      broker_.crash();
      break;
    case Kind::disconnect:
      for (const auto& client_id : window.clients) {
        if (window.graceful) {
          if (auto* d = device(client_id)) d->disconnect_gracefully();
        } else if (auto* client = runtime_.client(client_id)) {
          client->drop_connection();  // the link is cut until the window ends
        }
      }
      break;
    case Kind::device_reboot:
      for (const auto& client_id : window.clients)
        if (auto* d = device(client_id)) d->reboot();
      break;
    case Kind::partition:
    case Kind::latency_spike:
    case Kind::loss_burst:
      break;  // the Transport reads NetworkConditions per packet
  }
}

void FaultInjector::end(const faults::FaultWindow& window) {
  record(window, "end");
  if (window.kind == Kind::broker_crash) broker_.restart();
  if (window.kind == Kind::disconnect && window.graceful)
    for (const auto& client_id : window.clients)
      if (auto* d = device(client_id)) d->resume();
}

}  // namespace mqttbed::simulation
