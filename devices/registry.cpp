// The device kinds: one entry per kind, each with its parameters and factory.
#include "devices/registry.h"

#include <chrono>

#include "devices/app.h"
#include "devices/backend.h"
#include "devices/gateway.h"
#include "devices/intruder.h"
#include "devices/light.h"
#include "devices/monitor.h"
#include "devices/sensor.h"
#include "devices/shadow_service.h"

namespace mqttbed::devices {
namespace {

using scenario::Duration;
using scenario::ParamSpec;
using scenario::ParamType;
using namespace std::chrono_literals;

constexpr double ns(Duration duration) { return static_cast<double>(duration.count()); }

ParamSpec duration_param(std::string name, Duration value, Duration min, std::string help) {
  return {std::move(name), ParamType::duration, value, std::move(help), ns(min), ns(24h)};
}
ParamSpec qos_param(std::int64_t value, std::string help) {
  return {"qos", ParamType::qos, value, std::move(help), 0, 2};
}

template <typename Kind>
std::function<std::unique_ptr<Device>(DeviceContext)> factory() {
  return [](DeviceContext context) { return std::make_unique<Kind>(std::move(context)); };
}

std::map<std::string, KindInfo> build_registry() {
  std::vector<KindInfo> kinds = {
      {"gateway",
       Placement::home,
       "residential gateway: certificate identity, retained birth/will presence, home summary, "
       "command relay",
       {duration_param("summary_every", 60s, 1s, "period of the home summary"),
        qos_param(1, "QoS of state/command subscriptions, relayed commands and summaries"),
        {"partner", ParamType::string, std::string("mso0"),
         "partner id when the fleet gives none (certificate attribute)"},
        {"decommission_home", ParamType::integer, std::int64_t{-1},
         "the home (fleet number) whose gateway is decommissioned; -1 = none", -1, 1e9},
        duration_param("decommission_after", 60s, 1s,
                       "when, after its start, that gateway clears its retained status (empty "
                       "retained payload) and leaves for good"),
        duration_param("upload_every", 0s, 0s, "period of a chunked diagnostics upload (0s: none)"),
        {"upload_bytes", ParamType::size_bytes, std::int64_t{256} * 1024,
         "size of each diagnostics upload, split into chunks (may exceed the payload limit)", 1,
         64.0 * 1024 * 1024},
        {"chunk_bytes", ParamType::size_bytes, std::int64_t{64} * 1024,
         "largest chunk on the wire, envelope and chunk header included; at most the broker's "
         "payload_limit",
         512, 268'435'455, /*one_payload=*/true},
        {"oversize_probe_bytes", ParamType::size_bytes, std::int64_t{0},
         "once, a payload of this size meant to exceed the broker's limit (0B: none)", 0,
         268'435'455},
        duration_param("will_delay", 0s, 0s,
                       "MQTT 5 Will Delay Interval of its \"offline\" will, whole seconds (0s: "
                       "published at once)")},
       factory<Gateway>()},
      {"light",
       Placement::home,
       "light with an AWS-style shadow (power, brightness): follows desired, reports state",
       {duration_param("report_every", 60s, 1s, "period of the state report on its state topic"),
        duration_param("shadow_timeout", 10s, 100ms,
                       "a shadow request unanswered this long makes it ask for the shadow again"),
        qos_param(1, "QoS of its state topic and command subscription"),
        {"config_shadow", ParamType::boolean, false,
         "report its configuration to its named shadow `config` after each boot"}},
       factory<Light>(),
       /*is_thing=*/true},
      {"sensor",
       Placement::home,
       "periodic telemetry in seq/total streams, padded to payload_bytes",
       {duration_param("every", 10s, 1ms, "mean period between readings"),
        duration_param("jitter", 1s, 0s, "each period is every +- uniform(jitter), jitter<=every"),
        {"payload_bytes", ParamType::size_bytes, std::int64_t{128},
         "payload size on the wire, envelope included (padded; a smaller value leaves the bare "
         "reading); at most the broker's payload_limit",
         0, 268'435'455, /*one_payload=*/true},
        qos_param(1, "QoS of the readings"),
        {"total", ParamType::integer, std::int64_t{10}, "readings per stream", 1, 1e6},
        duration_param("message_expiry", 0s, 0s,
                       "MQTT 5 Message Expiry Interval of each reading, whole seconds (0: none)"),
        {"offline_buffer", ParamType::integer, std::int64_t{1000},
         "readings kept while offline (oldest dropped beyond)", 0, 1e7}},
       factory<Sensor>()},
      {"app",
       Placement::account,
       "mobile app: watches its account, sets random lights' desired state, measures "
       "command round-trips",
       {duration_param("command_every", 30s, 100ms, "period between commands"),
        duration_param("command_jitter", 5s, 0s, "uniform extra delay added to each period"),
        qos_param(1, "QoS of its platform/{account}/# subscription"),
        {"watch_account", ParamType::boolean, true,
         "subscribe to platform/{account}/# (false: only to the open home view)"},
        {"watch_gateways", ParamType::boolean, false,
         "also subscribe to platform/{account}/+/gateway/status (overlapping the account filter)"},
        duration_param("view_every", 0s, 0s,
                       "the user opens a home's view (SUBSCRIBE platform/{account}/{home}/#) "
                       "every view_every + up to half of it; 0s = never"),
        duration_param("view_for", 20s, 1s, "how long a view stays open before its UNSUBSCRIBE"),
        duration_param("reassembly_timeout", 60s, 1s,
                       "an upload still incomplete this long after its first chunk is reported "
                       "lost"),
        duration_param("request_every", 0s, 0s,
                       "MQTT 5 request/response: asks a random light for its state on its "
                       "command topic, with a Response Topic, Correlation Data and User "
                       "Properties, every request_every (0s: never)"),
        duration_param("reset_every", 0s, 0s,
                       "the user resets (deletes the shadow of) a random light of theirs every "
                       "reset_every + up to half of it; 0s = never")},
       factory<App>()},
      {"monitor",
       Placement::account,
       "operations monitor: subscribes to # and only listens (needs a policy that lets it)",
       {qos_param(0, "QoS of its # subscription")},
       factory<Monitor>()},
      {"backend",
       Placement::account,
       "cloud back end: consumes its account's device state and readings through a MQTT 5 "
       "shared subscription, one member of the group per message",
       {{"group", ParamType::string, std::string("backend"),
         "ShareName of the shared subscription ($share/{group}-{account}/...)"},
        qos_param(1, "QoS of the shared subscription")},
       factory<Backend>()},
      {"intruder",
       Placement::home,
       "holds a valid certificate of its account and, on a seeded schedule, tries to leave its "
       "namespace: foreign and wildcard subscriptions, foreign publishes, a spoofed client id, "
       "forged credentials (each attempt recorded in the history)",
       {duration_param("every", 30s, 100ms,
                       "mean period between attempts (each uniform in [every/2, 3*every/2])"),
        {"attempts", ParamType::string, std::string("all"),
         "comma-separated attempt kinds to draw from (docs/security.md, Intruders), or all"},
        {"victim", ParamType::string, std::string(""),
         "client id of a thing of another account to target and spoof; empty: "
         "acct{o}-home{o}-light0 with o = 1 for account 0, else 0"},
        {"share", ParamType::fraction, 1.0,
         "the fraction of these intruders that are active (each drawn from its own seeded "
         "generator; the others never connect): intruders at a rate across the fleet",
         0, 1}},
       factory<Intruder>()},
      {"shadow",
       Placement::cloud,
       "cloud device-shadow service (AWS IoT semantics), client id cloud-shadow",
       {},
       factory<ShadowService>(),
       /*is_thing=*/false,
       // Every second accepted update keeps the version (breaks the shadow guarantee).
       /*misbehaviour=*/"reuse_shadow_version"},
  };
  std::map<std::string, KindInfo> by_name;
  for (KindInfo& kind : kinds) by_name.emplace(kind.name, std::move(kind));
  return by_name;
}

}  // namespace

const std::map<std::string, KindInfo>& registry() {
  static const std::map<std::string, KindInfo> kinds = build_registry();
  return kinds;
}

const KindInfo* find_kind(const std::string& name) {
  const auto it = registry().find(name);
  return it == registry().end() ? nullptr : &it->second;
}

scenario::KindCatalog kind_catalog() {
  scenario::KindCatalog catalog;
  for (const auto& [name, kind] : registry()) {
    if (kind.placement == Placement::cloud) continue;
    catalog[name] = {kind.placement == Placement::home ? "home" : "account", kind.params};
  }
  return catalog;
}

scenario::Params default_params(const KindInfo& kind) {
  scenario::Params params;
  for (const scenario::ParamSpec& spec : kind.params) params.set(spec.name, spec.default_value);
  return params;
}

}  // namespace mqttbed::devices
