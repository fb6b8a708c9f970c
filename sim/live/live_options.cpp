#include "sim/live/live_options.h"

#include <algorithm>

namespace mqttbed::live {

namespace {

int parse_processes(const std::string& text) {
  std::size_t used = 0;
  int count = 0;
  try {
    count = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || count < 1 || count > 256)
    throw std::invalid_argument("--live-processes: expected a whole number from 1 to 256, found '" +
                                text + "'");
  return count;
}

std::string flag_of(const char* name) {
  std::string flag = std::string("--") + name;
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

using Type = LiveOptionSpec::Type;

}  // namespace

const std::vector<LiveOptionSpec>& live_option_specs() {
  static const std::vector<LiveOptionSpec> kSpecs = {
      {"broker", Type::text, "URL",
       "run live, in real time, against a real broker (tcp://host:port or ssl://host:port) "
       "through the fault proxy (docs/live.md)",
       [](LiveOptions& o, const std::string& v) { o.broker_url = v; }},
      {"client_prefix", Type::text, "P", "live: prepend P to every client id on the wire",
       [](LiveOptions& o, const std::string& v) { o.client_prefix = v; }},
      {"username", Type::text, "U", "live: connect every client with this user name ...",
       [](LiveOptions& o, const std::string& v) { o.username = v; }},
      {"password", Type::text, "S", "live: ... and password",
       [](LiveOptions& o, const std::string& v) { o.password = v; }},
      {"cafile", Type::text, "FILE", "live: TLS trust store for ssl:// brokers",
       [](LiveOptions& o, const std::string& v) { o.cafile = v; }},
      {"pki", Type::text, "DIR",
       "live: the identities `mqttbed broker-config` wrote (DIR/pki): devices present their "
       "certificate, apps their token (to the broker port + 1); trusts DIR/ca.crt",
       [](LiveOptions& o, const std::string& v) { o.pki_dir = v; }},
      {"broker_restart_cmd", Type::text, "CMD",
       "live: run `CMD crash` / `CMD restart` for broker_crash faults",
       [](LiveOptions& o, const std::string& v) { o.broker_restart_cmd = v; }},
      {"emulate_latency", Type::flag, "",
       "live: the fault proxy adds the scenario's network latency (drawn per chunk from each "
       "device's path, as simulated; docs/fidelity.md)",
       [](LiveOptions& o, const std::string& v) { o.emulate_latency = v != "false"; }},
      {"live_processes", Type::count, "N",
       "live: split the fleet across N processes (default: one per 1,000 clients; Paho slows "
       "down with many clients in one process)",
       [](LiveOptions& o, const std::string& v) { o.processes = parse_processes(v); }},
  };
  return kSpecs;
}

const LiveOptionSpec* find_live_option(const std::string& name) {
  for (const auto& spec : live_option_specs())
    if (name == spec.name || name == flag_of(spec.name)) return &spec;
  return nullptr;
}

void set_live_option(LiveOptions& options, const std::string& name, const std::string& value) {
  const LiveOptionSpec* spec = find_live_option(name);
  if (spec == nullptr) {
    std::string known;
    for (const auto& each : live_option_specs())
      known += (known.empty() ? "" : ", ") + std::string(each.name);
    throw std::invalid_argument("unknown live option '" + name + "' (known: " + known + ")");
  }
  if (spec->type == Type::flag && !value.empty() && value != "true" && value != "false")
    throw std::invalid_argument(flag_of(spec->name) + ": expected true or false, found '" + value +
                                "'");
  spec->set(options, value);
}

std::string live_options_help() {
  std::string text;
  for (const auto& spec : live_option_specs()) {
    std::string head = "  " + flag_of(spec.name);
    if (spec.value_name[0] != '\0') head += std::string(" ") + spec.value_name;
    // Wrap the help at 88 columns, indented under the flag's column.
    std::string indent(23, ' ');
    std::string line =
        head.size() < 23 ? head + std::string(23 - head.size(), ' ') : head + "\n" + indent;
    std::string words = spec.help;
    std::size_t column = line.size() - line.rfind('\n') - 1;
    if (line.find('\n') == std::string::npos) column = line.size();
    for (std::size_t from = 0; from < words.size();) {
      std::size_t space = words.find(' ', from);
      std::string word =
          words.substr(from, space == std::string::npos ? std::string::npos : space - from);
      if (column + word.size() > 88 && column > indent.size()) {
        line += "\n" + indent;
        column = indent.size();
      }
      line += word + " ";
      column += word.size() + 1;
      from = space == std::string::npos ? words.size() : space + 1;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    text += line + "\n";
  }
  return text;
}

}  // namespace mqttbed::live
