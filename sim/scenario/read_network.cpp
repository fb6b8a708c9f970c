// Readers of network: — link classes, their latency distributions, and TCP settings.
#include "sim/scenario/readers.h"
#include "sim/scenario/units.h"

namespace mqttbed::scenario {
namespace {

using std::chrono::milliseconds;

const std::vector<std::string> kLinkNames = {"lan", "uplink", "cloud"};
const std::vector<std::string> kDistNames = {"constant", "uniform", "normal", "lognormal",
                                             "pareto"};

// The fields each distribution takes besides dist and jitter.
struct DistFields {
  std::string name;
  LatencyDist::Kind kind;
  std::vector<std::string> fields;
};

const std::vector<DistFields>& dist_fields() {
  static const std::vector<DistFields> table = {
      {"constant", LatencyDist::Kind::constant, {"value"}},
      {"uniform", LatencyDist::Kind::uniform, {"min", "max"}},
      {"normal", LatencyDist::Kind::normal, {"mean", "stddev"}},
      {"lognormal", LatencyDist::Kind::lognormal, {"median", "sigma"}},
      {"pareto", LatencyDist::Kind::pareto, {"scale", "shape"}},
  };
  return table;
}

const DistFields& read_dist_kind(const Field& field) {
  std::string name = field.is_scalar() ? field.as_string() : "";
  for (const auto& entry : dist_fields()) {
    if (entry.name == name) return entry;
  }
  field.fail_expected(join_alternatives(kDistNames) + did_you_mean(name, kDistNames));
}

std::string comma_list(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : ", ") + word;
  return out;
}

// A field of another distribution gets a message naming the one it belongs to.
void check_dist_keys(const Field& field, const DistFields& shape) {
  std::vector<std::string> all = {"dist", "jitter"};
  for (const auto& entry : dist_fields()) {
    all.insert(all.end(), entry.fields.begin(), entry.fields.end());
  }
  field.expect_keys(all);
  for (const auto& entry : dist_fields()) {
    if (entry.kind == shape.kind) continue;
    for (const auto& key : entry.fields) {
      if (auto value = field.get(key)) {
        value->fail_at_key("found " + key + " in a " + shape.name +
                           " distribution, expected it only with dist: " + entry.name + " (" +
                           shape.name + " takes " + comma_list(shape.fields) + ")");
      }
    }
  }
}

LinkClass make_link(const std::string& name, Duration latency, double bandwidth_bps) {
  LinkClass link;
  link.name = name;
  link.latency.value = latency;
  link.bandwidth_bps = bandwidth_bps;
  return link;
}

LinkClass read_link(const std::string& name, const Field& field) {
  field.expect_keys({"latency", "bandwidth", "loss"});
  LinkClass link;
  link.name = name;
  link.mark = field.mark();
  link.latency = read_latency(field.require("latency"));
  link.bandwidth_bps = field.require("bandwidth").as_rate_bps();
  if (auto loss = field.get("loss")) link.loss = loss->as_fraction();
  return link;
}

void read_tcp(const Field& field, Network& network) {
  field.expect_keys({"rto", "max_retransmissions"});
  if (auto rto = field.get("rto")) network.tcp_rto_initial = rto->as_duration(milliseconds(1));
  if (auto retries = field.get("max_retransmissions")) {
    network.tcp_max_retransmissions = static_cast<int>(retries->as_int(1, 30));
  }
}

}  // namespace

Network default_network() {
  Network network;
  network.links["lan"] = make_link("lan", milliseconds(2), 100e6);
  network.links["uplink"] = make_link("uplink", milliseconds(20), 20e6);
  network.links["cloud"] = make_link("cloud", milliseconds(1), 10e9);
  return network;
}

Network read_network(const Field& field) {
  field.expect_keys({"links", "tcp"});
  Network network = default_network();
  if (auto links = field.get("links")) {
    links->expect_keys(kLinkNames);
    for (const auto& [name, link] : links->entries()) network.links[name] = read_link(name, link);
  }
  if (auto tcp = field.get("tcp")) read_tcp(*tcp, network);
  return network;
}

LatencyDist read_latency(const Field& field) {
  LatencyDist dist;
  if (field.is_scalar()) {
    dist.value = field.as_duration();
    return dist;
  }
  if (!field.is_map()) {
    field.fail_expected("a duration (constant latency) or a mapping with dist: " +
                        join_alternatives(kDistNames));
  }
  const DistFields& shape = read_dist_kind(field.require("dist"));
  check_dist_keys(field, shape);
  dist.kind = shape.kind;
  switch (shape.kind) {
    case LatencyDist::Kind::constant:
      dist.value = field.require("value").as_duration();
      break;
    case LatencyDist::Kind::uniform: {
      dist.min = field.require("min").as_duration();
      Field max = field.require("max");
      dist.max = max.as_duration();
      if (dist.max < dist.min) {
        max.fail_expected("a duration >= min (" + units::format_duration(dist.min) + ")");
      }
      break;
    }
    case LatencyDist::Kind::normal:
      dist.mean = field.require("mean").as_duration();
      dist.stddev = field.require("stddev").as_duration();
      break;
    case LatencyDist::Kind::lognormal:
      dist.median = field.require("median").as_duration(Duration{1});
      dist.sigma = field.require("sigma").as_number(0, 10);
      break;
    case LatencyDist::Kind::pareto:
      dist.scale = field.require("scale").as_duration(Duration{1});
      dist.shape = field.require("shape").as_number(0.01, 100);
      break;
  }
  if (auto jitter = field.get("jitter")) dist.jitter = jitter->as_duration();
  return dist;
}

}  // namespace mqttbed::scenario
