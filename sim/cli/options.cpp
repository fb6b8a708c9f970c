#include "sim/cli/options.h"

#include <charconv>
#include <stdexcept>

#include "sim/check/check_catalog.h"
#include "sim/compare/transport_spec.h"

namespace mqttbed::cli {

namespace {

std::uint64_t parse_seed(const std::string& text) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty())
    throw UsageError("--seed: found '" + text + "', expected a non-negative integer");
  return value;
}

Options::Command parse_command(const std::string& word) {
  if (word == "run") return Options::Command::run;
  if (word == "validate") return Options::Command::validate;
  if (word == "check") return Options::Command::check;
  if (word == "probe") return Options::Command::probe;
  if (word == "report") return Options::Command::report;
  if (word == "broker-config") return Options::Command::broker_config;
  if (word == "shard") return Options::Command::shard;
  if (word == "authorizer") return Options::Command::authorizer;
  if (word == "compare") return Options::Command::compare;
  if (word == "help" || word == "--help" || word == "-h") return Options::Command::help;
  if (word == "--version" || word == "version") return Options::Command::version;
  throw UsageError("unknown command '" + word +
                   "', expected run, validate, check, report, probe, broker-config, authorizer, "
                   "shard, compare, --help or "
                   "--version");
}

std::string checks_help() {
  std::string text;
  for (const check::CheckSpec& spec : check::check_catalog()) {
    if (!spec.part_of.empty()) continue;
    std::string name = "  " + spec.name;
    text +=
        name + std::string(name.size() < 23 ? 23 - name.size() : 1, ' ') + spec.description + "\n";
  }
  return text;
}

int parse_count(const std::string& flag, const std::string& text, int least) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty() || value < least)
    throw UsageError(flag + ": found '" + text +
                     "', expected an integer >= " + std::to_string(least));
  return value;
}

}  // namespace

std::string help_text() {
  return std::string(R"(mqttbed - simulate fleets of MQTT devices and check what the broker promised

usage:
  mqttbed run FILE [--seed N] [--out DIR] [--history FILE] [--no-html] [--quiet]
                   [--junit FILE] [--summary-json FILE] [--github-annotations]
      Simulate the scenario (virtual time, built-in broker model, SimGrid network),
      judge every guarantee in its checks: list and write DIR/report.json
      (DIR defaults to runs/<name>-<seed>/) and the HTML fleet report DIR/report.html.
  mqttbed run FILE --shards N [--retry-shards N] [--scheduler ADDR --shard-dir DIR]
      Sharded: the fleet split by account into N shards, each simulated by a process of
      its own with its own broker node and shadow service (the cloud links' capacity
      divided among them), histories merged in time order and judged once
      (docs/simulation.md, "Sharded runs"). A shard whose process dies fails the run
      (exit 3, no report) unless --retry-shards allows running it again. --scheduler
      runs the shards on a Dask cluster (tcp://HOST:PORT) through the mqttbed Python
      package; DIR must be a folder the workers and this machine share. Without
      --scheduler, --shard-dir DIR merges and judges shards that already ran (each by
      `mqttbed shard`, anywhere) and left their files in DIR.
  mqttbed shard FILE --shard I/N --shard-dir DIR [--seed N]
      Simulate shard I (0-based) of N only and leave its files in DIR: what a cluster
      worker runs for a sharded run.
  mqttbed validate FILE...
      Load and validate scenario files; print the first error of each with
      file:line:column, the key path, what was found and what was expected.
  mqttbed check HISTORY [--partial] [--scenario FILE] [--junit FILE]
                        [--summary-json FILE] [--github-annotations]
      Re-judge a history saved with --history, without running anything. --partial
      judges a history cut short (a run killed mid-way: no end line, last line cut off)
      up to its last complete event and says where it ended. isolation and
      authorization judge by the policy of the scenario the history names (its header),
      or of --scenario FILE.
  mqttbed report REPORT.json [OTHER.json] [--out FILE]
      Write the self-contained HTML fleet report of a run, or of two runs compared
      (FILE defaults to report.html, or compare.html for two, beside the first).
  mqttbed compare FILE --transports LIST [--seed N] [--out DIR]
      Run the scenario once over MQTT in simulation, then replay the same workload,
      network draws and faults over each transport in LIST (comma-separated: mqtt,
      mqtt-tls, mqtt-tls12, mqtt-ws, mqtt-wss, http-poll:30s, https-poll:30s[:close],
      http-long-poll[:HOLD], https-long-poll, http2-poll:30s) and write DIR/report.json
      and DIR/report.html (bytes per device per day, latency, radio energy, server load;
      docs/compare.md). DIR defaults to runs/<name>-<seed>-compare/.
  mqttbed probe --broker URL [--probe NAME]... [--out FILE] [--username U --password P]
      Conformance probes: raw packets a correct client never sends (a second CONNECT,
      reserved bits, QoS 3, ill-formed topics) and routing rules ($-topics, overlapping
      subscriptions, the keepalive timeout), each judged against the MQTT 3.1.1 statement
      it cites; --out writes the results as JSON (docs/live.md, "Conformance probes").
  mqttbed broker-config FILE --out DIR [--broker mosquitto|rabbitmq|aedes] [--port N]
                        [--plugin FILE] [--authorizer HOST:PORT]
      Write a real broker's configuration enforcing the scenario's identities and policy
      (docs/security.md): DIR/pki/ (CA, CRL, server and client certificates and keys,
      app tokens, the token key) and TLS listeners on 127.0.0.1 (client certificates on
      N (8883), tokens as passwords on N+1). mosquitto (default): DIR/mosquitto.conf with
      mqttbed's authorizer plugin, DIR/acl (what an ACL file can express of the policy);
      rabbitmq: DIR/rabbitmq.conf, advanced.config, enabled_plugins; aedes: DIR/aedes.json
      for tests/live/brokers/aedes/server.js --config. RabbitMQ and aedes ask `mqttbed
      authorizer` at --authorizer (default 127.0.0.1:N+2). Prints every file written.
  mqttbed authorizer FILE --listen HOST:PORT --pki DIR
      Serve the scenario's authorizer over HTTP for RabbitMQ's auth backend and aedes'
      hooks (DIR: broker-config's DIR/pki) until SIGINT/SIGTERM; logs each refusal.
  mqttbed --help | --version

options:
  --seed N             master seed (overrides the scenario's seed:)
  --out DIR            run: output folder for report.json (report: the HTML file)
  --history FILE       also write every client event as JSON Lines to FILE
  --no-html            run: do not write report.html
  --quiet              no progress line (also off when stderr is not a terminal)
  --junit FILE         run/check: write the verdicts as JUnit XML (one testcase per
                       guarantee and per expect: threshold) for CI test reports
  --summary-json FILE  run/check: write a one-object JSON summary (verdict, counts,
                       failed guarantees, paths written); FILE "-" prints it to stdout
                       as the last line, prefixed "mqttbed-summary: "
  --github-annotations run/check: print a GitHub Actions ::error line per violation
  --partial            check: judge a truncated history up to its last complete event
)") + live::live_options_help() +
         R"(
  --broker-mutation NAME
                       test only: a deliberate broker-model or device bug that a checker
                       must catch (docs/checks.md, "Mutations")
checks (a scenario's checks: list; all of them when it has none):
)" + checks_help() +
         R"(
exit codes:
  0  ran, and every checked guarantee and expectation held
  1  a guarantee was violated or an expectation missed
  2  bad usage or bad input (flag, scenario file, malformed history or report)
  3  runtime failure (e.g. broker unreachable, output not writable)
)";
}

Options parse_options(const std::vector<std::string>& args) {
  Options options;
  if (args.empty()) return options;
  options.command = parse_command(args[0]);
  auto value_of = [&](std::size_t& i) -> const std::string& {
    if (i + 1 >= args.size()) throw UsageError(args[i] + ": expected a value after it");
    return args[++i];
  };
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--seed") {
      options.seed = parse_seed(value_of(i));
    } else if (arg == "--out") {
      options.out_dir = value_of(i);
    } else if (arg == "--history") {
      options.history_path = value_of(i);
    } else if (const live::LiveOptionSpec* spec = live::find_live_option(arg)) {
      try {
        live::set_live_option(options.live, arg,
                              spec->type == live::LiveOptionSpec::Type::flag ? "" : value_of(i));
      } catch (const std::invalid_argument& error) {
        throw UsageError(error.what());
      }
    } else if (arg == "--broker-mutation") {
      try {
        options.misbehaviour = fleet::parse_misbehaviour(value_of(i));
      } catch (const std::invalid_argument& error) {
        throw UsageError("--broker-mutation: " + std::string(error.what()));
      }
    } else if (arg == "--junit") {
      options.junit_path = value_of(i);
    } else if (arg == "--summary-json") {
      options.summary_json_path = value_of(i);
    } else if (arg == "--github-annotations") {
      options.github_annotations = true;
    } else if (arg == "--probe") {
      options.probes.push_back(value_of(i));
    } else if (arg == "--partial") {
      options.partial = true;
    } else if (arg == "--scenario") {
      options.scenario_path = value_of(i);
    } else if (arg == "--no-html") {
      options.write_html = false;
    } else if (arg == "--quiet" || arg == "-q") {
      options.quiet = true;
    } else if (arg == "--port" && options.command == Options::Command::broker_config) {
      const std::string& text = value_of(i);
      try {
        std::size_t used = 0;
        options.port = std::stoi(text, &used);
        if (used != text.size() || options.port < 1 || options.port > 65534)
          throw std::invalid_argument(text);
      } catch (const std::exception&) {
        throw UsageError("--port: expected a TCP port 1..65534, found '" + text + "'");
      }
    } else if (arg == "--plugin" && options.command == Options::Command::broker_config) {
      options.plugin_path = value_of(i);
    } else if (arg == "--shards") {
      options.shards = parse_count(arg, value_of(i), 1);
    } else if (arg == "--retry-shards") {
      options.retry_shards = parse_count(arg, value_of(i), 0);
    } else if (arg == "--scheduler") {
      options.scheduler = value_of(i);
    } else if (arg == "--shard-dir") {
      options.shard_dir = value_of(i);
    } else if (arg == "--shard") {
      const std::string& text = value_of(i);
      const auto slash = text.find('/');
      if (slash == std::string::npos)
        throw UsageError("--shard: found '" + text + "', expected I/N");
      options.shard_index = parse_count(arg, text.substr(0, slash), 0);
      options.shards = parse_count(arg, text.substr(slash + 1), 1);
      if (options.shard_index >= options.shards)
        throw UsageError("--shard: found '" + text + "', expected I below N");
    } else if (arg == "--authorizer" && options.command == Options::Command::broker_config) {
      options.authorizer_address = value_of(i);
    } else if (arg == "--listen" && options.command == Options::Command::authorizer) {
      options.listen_address = value_of(i);
    } else if (arg == "--transports" && options.command == Options::Command::compare) {
      options.transports = value_of(i);
      try {
        compare::parse_transports(options.transports);
      } catch (const compare::TransportSpecError& error) {
        throw UsageError("--transports:" + std::to_string(error.column) + ": " + error.what());
      }
    } else if (arg == "--help" || arg == "-h") {
      options.command = Options::Command::help;
    } else if (arg.rfind('-', 0) == 0) {
      throw UsageError("unknown option '" + arg + "' (see mqttbed --help)");
    } else {
      options.files.push_back(arg);
    }
  }
  if (options.command == Options::Command::compare &&
      (options.files.size() != 1 || options.transports.empty()))
    throw UsageError("compare: expected one scenario file and --transports LIST");
  if (options.command == Options::Command::broker_config &&
      (options.files.size() != 1 || options.out_dir.empty()))
    throw UsageError("broker-config: expected one scenario file and --out DIR");
  const bool sharding = options.shards != 1 || options.retry_shards != 0 ||
                        !options.scheduler.empty() || !options.shard_dir.empty();
  if (options.command == Options::Command::shard) {
    if (options.files.size() != 1 || options.shard_index < 0 || options.shard_dir.empty())
      throw UsageError("shard: expected one scenario file, --shard I/N and --shard-dir DIR");
  } else if (sharding && options.command != Options::Command::run) {
    throw UsageError("--shards, --retry-shards, --scheduler and --shard-dir apply to run");
  } else if (options.shard_index >= 0) {
    throw UsageError("--shard applies to shard only");
  }
  if (!options.scheduler.empty() && options.shard_dir.empty())
    throw UsageError(
        "--scheduler: also give --shard-dir DIR, a folder the Dask workers and this machine "
        "share");
  if (options.command == Options::Command::run && sharding && options.shards == 1)
    throw UsageError("--retry-shards, --scheduler and --shard-dir need --shards N (N > 1)");
  if (options.command == Options::Command::authorizer &&
      (options.files.size() != 1 || options.listen_address.empty() || options.live.pki_dir.empty()))
    throw UsageError("authorizer: expected one scenario file, --listen HOST:PORT and --pki DIR");
  bool needs_one =
      options.command == Options::Command::run || options.command == Options::Command::check;
  if (needs_one && options.files.size() != 1)
    throw UsageError(std::string(options.command == Options::Command::run ? "run" : "check") +
                     ": expected exactly one file, found " + std::to_string(options.files.size()));
  if (options.command == Options::Command::report &&
      (options.files.empty() || options.files.size() > 2))
    throw UsageError("report: expected one or two report.json files, found " +
                     std::to_string(options.files.size()));
  bool run_or_check = needs_one;
  if (!run_or_check && (!options.junit_path.empty() || !options.summary_json_path.empty() ||
                        options.github_annotations))
    throw UsageError("--junit, --summary-json and --github-annotations apply to run and check");
  if (options.partial && options.command != Options::Command::check)
    throw UsageError("--partial applies to check only");
  if (!options.scenario_path.empty() && options.command != Options::Command::check)
    throw UsageError("--scenario applies to check only");
  if (options.command == Options::Command::probe &&
      (options.live.broker_url.empty() || !options.files.empty()))
    throw UsageError("probe: expected --broker URL and no files");
  if (!options.probes.empty() && options.command != Options::Command::probe)
    throw UsageError("--probe applies to probe only");
  if (options.command == Options::Command::validate && options.files.empty())
    throw UsageError("validate: expected at least one scenario file");
  return options;
}

}  // namespace mqttbed::cli
