// Conformance probes: short raw-socket exchanges that ask a live broker what MQTT 3.1.1
// obliges it to do with packets a correct client never sends (a second CONNECT, reserved
// bits, QoS 3, ill-formed topics) and with a few routing rules no device exercises on
// purpose ($-topics, overlapping subscriptions, the keepalive timeout). Each probe cites
// the statement it judges; `mqttbed probe --broker URL` runs them (docs/live.md).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace mqttbed::probe {

enum class Outcome { kept, violated, indeterminate };
const char* to_string(Outcome outcome);

struct ProbeResult {
  std::string name;
  std::string spec_id;   // e.g. MQTT-3.1.0-2
  std::string expected;  // what the statement requires, in a line
  std::string observed;  // what the broker did
  Outcome outcome = Outcome::indeterminate;
};

struct ProbeSettings {
  std::string host = "127.0.0.1";
  int port = 1883;
  // How long a probe waits for an answer that should come (a close, a CONNACK, a delivery)
  // before it calls it missing. Loopback brokers answer in milliseconds.
  std::chrono::milliseconds answer_wait{2000};
  int keepalive_s = 2;  // the keepalive probe's; it waits up to 3 x 1.5 x this + answer_wait
  // How much later than 1.5 x the keepalive a close still counts as in time: brokers count
  // the keepalive in whole seconds (mosquitto's time_t arithmetic), so one second.
  std::chrono::milliseconds keepalive_tolerance{1000};
  std::string client_prefix = "mqttbed-probe";
  std::string username, password;  // for every probe connection, when the broker wants them
};

struct ProbeInfo {
  std::string name;
  std::string spec_id;
  std::string expected;
};
// Every probe, in the order they run.
const std::vector<ProbeInfo>& probe_catalog();

// Runs the probes named (all when `only` is empty), each on fresh connections. Throws
// std::invalid_argument for an unknown name and std::runtime_error when the broker does
// not accept TCP connections at all.
std::vector<ProbeResult> run_probes(const ProbeSettings& settings,
                                    const std::vector<std::string>& only = {});

}  // namespace mqttbed::probe
