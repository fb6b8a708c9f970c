// The command line of `mqttbed`: subcommands, flags and the exit codes, parsed in this one
// place. Parsing never exits; it throws UsageError and main maps that to exit code 2.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/fleet/misbehaviour.h"
#include "sim/live/live_options.h"

namespace mqttbed::cli {

enum ExitCode : int {
  kPassed = 0,        // ran, every checked guarantee and expectation held
  kViolated = 1,      // a guarantee was violated or an expectation missed
  kBadInput = 2,      // bad usage, flag or scenario
  kRuntimeError = 3,  // the run could not be carried out (e.g. broker unreachable)
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Options {
  enum class Command {
    help,
    version,
    run,
    validate,
    check,
    report,
    probe,
    broker_config,
    shard,
    authorizer,
    compare
  };
  Command command = Command::help;
  std::vector<std::string> files;     // scenario (run/validate), history (check), reports
  std::optional<std::uint64_t> seed;  // --seed overrides the scenario's seed
  std::string out_dir;                // --out: run's DIR (default runs/<name>-<seed>/),
                                      // report's HTML FILE
  std::string history_path;           // --history FILE (JSON Lines), optional
  live::LiveOptions live;             // --broker URL and the other live flags
  fleet::Misbehaviour misbehaviour;   // --broker-mutation NAME (test-only)
  bool quiet = false;                 // --quiet: no progress line
  bool write_html = true;             // run: also write report.html (--no-html: not)
  std::string junit_path;             // --junit FILE: run/check, JUnit XML for CI
  std::string summary_json_path;      // --summary-json FILE: run/check, "-" = stdout
  bool github_annotations = false;    // --github-annotations: ::error lines on stdout
  bool partial = false;               // --partial: check a history cut short
  std::string scenario_path;          // --scenario FILE: check, whose policy to judge by
  std::vector<std::string> probes;    // --probe NAME (repeatable): probe only these
  int port = 8883;                    // broker-config: --port, the certificate listener
  std::string plugin_path;            // broker-config: --plugin FILE (default: beside mqttbed)
  int shards = 1;                     // run: --shards N (sim/run/shards.h)
  int retry_shards = 0;               // run: --retry-shards N, reruns of a shard that died
  std::string scheduler;              // run: --scheduler ADDR, shards on a Dask cluster
  std::string shard_dir;              // run/shard: --shard-dir DIR, the shards' files
  int shard_index = -1;               // shard: --shard I/N
  std::string authorizer_address;     // broker-config: --authorizer HOST:PORT (default port N+2)
  std::string listen_address;         // authorizer: --listen HOST:PORT
  std::string transports;             // compare: --transports LIST (checked while parsing)
};

Options parse_options(const std::vector<std::string>& args);
std::string help_text();

}  // namespace mqttbed::cli
