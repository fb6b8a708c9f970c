// Readers of network: — link classes, their latency distributions, and TCP settings.
#include "sim/scenario/readers.h"
#include "sim/scenario/units.h"

namespace mqttbed::scenario {
namespace {

using std::chrono::milliseconds;

const std::vector<std::string> kLinkNames = {"lan", "uplink", "cloud"};
const std::vector<std::string> kDistNames = {"constant", "uniform", "normal", "lognormal",
                                             "pareto"};

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
  Field kind = field.require("dist");
  std::string name = kind.is_scalar() ? kind.as_string() : "";
  if (name == "constant") {
    dist.kind = LatencyDist::Kind::constant;
    field.expect_keys({"dist", "value", "jitter"});
    dist.value = field.require("value").as_duration();
  } else if (name == "uniform") {
    dist.kind = LatencyDist::Kind::uniform;
    field.expect_keys({"dist", "min", "max", "jitter"});
    dist.min = field.require("min").as_duration();
    Field max = field.require("max");
    dist.max = max.as_duration();
    if (dist.max < dist.min)
      max.fail_expected("a duration >= min (" + units::format_duration(dist.min) + ")");
  } else if (name == "normal") {
    dist.kind = LatencyDist::Kind::normal;
    field.expect_keys({"dist", "mean", "stddev", "jitter"});
    dist.mean = field.require("mean").as_duration();
    dist.stddev = field.require("stddev").as_duration();
  } else if (name == "lognormal") {
    dist.kind = LatencyDist::Kind::lognormal;
    field.expect_keys({"dist", "median", "sigma", "jitter"});
    dist.median = field.require("median").as_duration(Duration{1});
    dist.sigma = field.require("sigma").as_number(0, 10);
  } else if (name == "pareto") {
    dist.kind = LatencyDist::Kind::pareto;
    field.expect_keys({"dist", "scale", "shape", "jitter"});
    dist.scale = field.require("scale").as_duration(Duration{1});
    dist.shape = field.require("shape").as_number(0.01, 100);
  } else {
    kind.fail_expected(join_alternatives(kDistNames) + did_you_mean(name, kDistNames));
  }
  if (auto jitter = field.get("jitter")) dist.jitter = jitter->as_duration();
  return dist;
}

}  // namespace mqttbed::scenario
