// Acts out the planned fault windows live, from outside the model: network faults through
// the fault proxy, graceful disconnects and reboots through the devices, a broker crash
// through the user's --broker-restart-cmd. What cannot be done is warned about, not faked.
#pragma once

#include <functional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "sim/faults/fault_plan.h"
#include "sim/fleet/fleet.h"
#include "sim/history/client_recorder.h"
#include "sim/live/fault_proxy.h"
#include "sim/live/live_loop.h"
#include "sim/live/live_options.h"

namespace mqttbed::live {

class LiveFaultInjector {
 public:
  // `proxy` may be null (TLS, or --no-proxy): network faults are then skipped with a warning.
  LiveFaultInjector(LiveLoop& loop, FaultProxy* proxy, fleet::Fleet& fleet,
                    history::History& history, const LiveOptions& options);
  ~LiveFaultInjector();  // waits for broker commands still running

  void schedule(const std::vector<faults::FaultWindow>& windows);
  // The clients (fleet names) some window acts on through the proxy: the only ones that
  // must connect through it (LiveRuntime::set_routes).
  std::unordered_set<std::string> proxy_targets(
      const std::vector<faults::FaultWindow>& windows) const;
  // One shard of a run split across processes: acts only on the clients `owns` accepts;
  // only the `lead` shard records the fault events, runs broker commands and warns.
  void restrict_to(std::function<bool(const std::string& client_id)> owns, bool lead) {
    owns_ = std::move(owns);
    lead_ = lead;
  }

  // How a loss burst is acted out: TCP hides loss as delay (retransmission), so a heavy
  // burst stalls the connection and a light one adds this much per direction.
  static constexpr auto kLightLossDelay = std::chrono::milliseconds(200);
  static constexpr double kStallLoss = 0.5;

 private:
  void begin(const faults::FaultWindow& window);
  void end(const faults::FaultWindow& window);
  std::vector<std::string> targets(const faults::FaultWindow& window) const;
  std::string wire_id(const std::string& client_id) const;
  void run_broker_command(const char* action);
  void warn(const std::string& message);
  devices::Device* device(const std::string& client_id) const;

  LiveLoop& loop_;
  FaultProxy* proxy_;
  fleet::Fleet& fleet_;
  const LiveOptions& options_;
  history::ClientRecorder recorder_;
  std::vector<std::thread> commands_;
  std::function<bool(const std::string&)> owns_;  // empty: every client
  bool lead_ = true;
};

}  // namespace mqttbed::live
