// Acts out the planned fault windows from outside the model, like SimGrid's chaos monkey:
// through devices', clients' and the broker's public operations. Network faults (partition,
// latency, loss) need no action here: the Transport asks NetworkConditions per packet.
#pragma once

#include <vector>

#include "sim/faults/fault_plan.h"
#include "sim/fleet/fleet.h"
#include "sim/history/client_recorder.h"
#include "sim/simulation/broker_bridge.h"
#include "sim/simulation/event_loop.h"
#include "sim/simulation/sim_runtime.h"

namespace mqttbed::simulation {

class FaultInjector {
 public:
  FaultInjector(EventLoop& loop, SimRuntime& runtime, BrokerBridge& broker, fleet::Fleet& fleet,
                history::History& history);

  void schedule(const std::vector<faults::FaultWindow>& windows);

 private:
  void begin(const faults::FaultWindow& window);
  void end(const faults::FaultWindow& window);
  void record(const faults::FaultWindow& window, const char* phase);
  devices::Device* device(const std::string& client_id) const;

  EventLoop& loop_;
  SimRuntime& runtime_;
  BrokerBridge& broker_;
  fleet::Fleet& fleet_;
  history::ClientRecorder recorder_;
};

}  // namespace mqttbed::simulation
