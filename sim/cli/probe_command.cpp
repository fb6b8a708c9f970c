#include "sim/cli/probe_command.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "sim/live/broker_address.h"
#include "sim/probe/probes.h"
#include "sim/report/atomic_file.h"

namespace mqttbed::cli {

int probe_command(const Options& options) {
  probe::ProbeSettings settings;
  try {
    live::BrokerAddress address = live::parse_broker_url(options.live.broker_url);
    if (address.scheme != "tcp")
      throw std::invalid_argument("probe: only tcp:// brokers (the probes speak plain TCP)");
    settings.host = address.host;
    settings.port = address.port;
    settings.username = options.live.username;
    settings.password = options.live.password;
  } catch (const std::invalid_argument& error) {
    std::fprintf(stderr, "mqttbed: %s\n", error.what());
    return kBadInput;
  }
  std::vector<probe::ProbeResult> results;
  try {
    results = probe::run_probes(settings, options.probes);
  } catch (const std::invalid_argument& error) {
    std::fprintf(stderr, "mqttbed: %s\n", error.what());
    return kBadInput;
  } catch (const std::runtime_error& error) {
    std::fprintf(stderr, "mqttbed: broker %s unreachable: %s\n", options.live.broker_url.c_str(),
                 error.what());
    return kRuntimeError;
  }
  bool violated = false;
  nlohmann::ordered_json json = nlohmann::ordered_json::array();
  for (const probe::ProbeResult& r : results) {
    violated = violated || r.outcome == probe::Outcome::violated;
    std::printf("%-28s %-14s %-13s %s\n", r.name.c_str(), r.spec_id.c_str(),
                probe::to_string(r.outcome), r.observed.c_str());
    json.push_back({{"probe", r.name},
                    {"spec_id", r.spec_id},
                    {"expected", r.expected},
                    {"outcome", probe::to_string(r.outcome)},
                    {"observed", r.observed}});
  }
  if (!options.out_dir.empty()) {
    report::write_file_atomically(options.out_dir, json.dump(2) + "\n");
    std::printf("results: %s\n", options.out_dir.c_str());
  }
  std::printf("%s\n", violated ? "FAILED: a probe found a violation" : "PASSED");
  return violated ? kViolated : kPassed;
}

}  // namespace mqttbed::cli
