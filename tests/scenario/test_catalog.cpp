#include "tests/scenario/test_catalog.h"

#include <chrono>

namespace mqttbed::scenario::testing {
namespace {

using namespace std::chrono_literals;

constexpr double ns(Duration duration) { return static_cast<double>(duration.count()); }

ParamSpec duration_param(std::string name, Duration value, Duration min) {
  return {std::move(name), ParamType::duration, value, "", ns(min), ns(24h)};
}

ParamSpec qos_param() { return {"qos", ParamType::qos, std::int64_t{1}, "", 0, 2}; }

}  // namespace

KindCatalog test_kinds() {
  KindCatalog catalog;
  catalog["gateway"] = {
      "home",
      {duration_param("summary_every", 60s, 1s),
       qos_param(),
       {"partner", ParamType::string, std::string("mso0"), "", 0, -1},
       {"decommission_home", ParamType::integer, std::int64_t{-1}, "", -1, 1e9},
       duration_param("decommission_after", 60s, 1s),
       duration_param("upload_every", 0s, 0s),
       {"upload_bytes", ParamType::size_bytes, std::int64_t{1024}, "", 1, 1e9},
       {"chunk_bytes", ParamType::size_bytes, std::int64_t{1024}, "", 512, 1e9,
        /*one_payload=*/true},
       {"oversize_probe_bytes", ParamType::size_bytes, std::int64_t{0}, "", 0, 1e9},
       duration_param("will_delay", 0s, 0s)}};
  catalog["light"] = {"home",
                      {duration_param("report_every", 60s, 1s),
                       qos_param(),
                       {"config_shadow", ParamType::boolean, false, "", 0, -1}}};
  catalog["sensor"] = {
      "home",
      {duration_param("every", 10s, 1ms),
       duration_param("jitter", 1s, 0s),
       {"payload_bytes", ParamType::size_bytes, std::int64_t{128}, "", 0, 128 * 1024,
        /*one_payload=*/true},
       qos_param(),
       {"total", ParamType::integer, std::int64_t{10}, "", 1, 1e6},
       duration_param("message_expiry", 0s, 0s),
       {"retain", ParamType::boolean, false, "", 0, -1},
       {"drop_ratio", ParamType::fraction, 0.0, "", 0, 0.5},
       {"gain", ParamType::number, std::int64_t{1}, "", 0, 100}}};
  catalog["app"] = {"account",
                    {duration_param("command_every", 30s, 100ms),
                     duration_param("command_jitter", 5s, 0s),
                     qos_param(),
                     {"watch_account", ParamType::boolean, true, "", 0, -1},
                     {"watch_gateways", ParamType::boolean, false, "", 0, -1},
                     duration_param("view_every", 0s, 0s),
                     duration_param("view_for", 20s, 1s),
                     duration_param("reassembly_timeout", 60s, 1s),
                     duration_param("reset_every", 0s, 0s),
                     duration_param("request_every", 0s, 0s)}};
  catalog["backend"] = {
      "account", {{"group", ParamType::string, std::string("backend"), "", 0, -1}, qos_param()}};
  catalog["monitor"] = {"account", {qos_param()}};
  catalog["intruder"] = {"home",
                         {duration_param("every", 30s, 100ms),
                          {"attempts", ParamType::string, std::string("all"), "", 0, -1},
                          {"victim", ParamType::string, std::string(""), "", 0, -1},
                          {"share", ParamType::fraction, 1.0, "", 0, 1}}};
  return catalog;
}

}  // namespace mqttbed::scenario::testing
