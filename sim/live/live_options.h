// How a live run reaches its broker: URL, client-id prefix, credentials, TLS, and what to
// run for a planned broker crash. The options a user sets are listed once, in
// live_option_specs(): the CLI's flags and the Python keywords are both read from it.
#pragma once

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mqttbed::live {

struct LiveOptions {
  std::string broker_url;  // tcp://host:port or ssl://host:port; empty = simulate instead
  // Prepended to every client id on the wire only; the history (and so the isolation
  // checker, which reads accounts from client ids) keeps the fleet's own names.
  std::string client_prefix;
  std::string username;  // when set, every client connects with these instead of its own
  std::string password;
  std::string cafile;  // TLS trust store (ssl:// URLs)
  // The scenario's identities (`mqttbed broker-config`'s DIR/pki): each client connects with
  // its own certificate or token (live_identity.h).
  std::string pki_dir;
  // Run as `CMD crash` at a broker_crash window's start and `CMD restart` at its end.
  std::string broker_restart_cmd;
  // Route tcp:// connections through the in-process fault proxy (needed for network faults
  // and for reboots that must not send DISCONNECT).
  bool use_proxy = true;
  // Add the scenario's network latency in the proxy: every chunk, each way, waits a draw
  // of the sum of the link classes on the device's path to the broker (lan + uplink +
  // cloud for home devices, uplink + cloud for apps, cloud + cloud for the shadow service),
  // as the simulator draws per frame. Bandwidth and random loss are not emulated. Off: the
  // clients see loopback's own latency (plus latency_spike faults).
  bool emulate_latency = false;
  // Processes the fleet is split across (each runs its share of the devices as Paho clients
  // of its own; the parent merges their histories and judges them once). 0: as many as it
  // takes to keep each at `clients_per_process` or fewer. Paho C's asynchronous library
  // costs per packet in proportion to the clients of its process, so one process carries
  // about 1,500 devices (bench/RESULTS.md, "Live").
  int processes = 0;
  int clients_per_process = 1000;
  std::chrono::seconds probe_timeout{3};
  // Faults that cannot be acted out live; stderr when unset.
  std::function<void(const std::string&)> on_warning;
};

// One user-facing live option: `name` is the Python keyword (client_prefix), the CLI flag
// is the same with dashes (--client-prefix).
struct LiveOptionSpec {
  enum class Type { text, flag, count };
  const char* name;
  Type type;
  const char* value_name;  // in help: "URL", "P", "N" ("" for a flag)
  const char* help;
  void (*set)(LiveOptions& options, const std::string& value);  // value "" sets a flag
};

const std::vector<LiveOptionSpec>& live_option_specs();
// nullptr when `name` (keyword or --flag spelling) is not a live option.
const LiveOptionSpec* find_live_option(const std::string& name);
// Sets `name` from its text (a flag takes "", "true" or "false"); throws
// std::invalid_argument naming the option and what was expected.
void set_live_option(LiveOptions& options, const std::string& name, const std::string& value);
// "--flag VALUE   help" lines for the CLI's --help.
std::string live_options_help();

// Thrown before a live run starts when the broker does not accept a probe connection.
class BrokerUnreachable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace mqttbed::live
