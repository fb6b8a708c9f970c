// The gateway's identity, presence (birth + will), home summary and command relay.
#include "devices/gateway.h"

#include <cstdio>

#include "devices/chunked_upload.h"
#include "devices/naming.h"

namespace mqttbed::devices {
namespace {

using nlohmann::json;
constexpr int kPresenceQos = 1;

std::string draw_uuid(runtime::Rng& rng) {
  const std::uint64_t high = rng();
  const std::uint64_t low = rng();
  char text[40];
  // Version 4 (random) and variant 10xx bits set as RFC 4122 requires.
  std::snprintf(text, sizeof text, "%08x-%04x-4%03x-%04x-%012llx",
                static_cast<unsigned>(high >> 32), static_cast<unsigned>((high >> 16) & 0xffff),
                static_cast<unsigned>(high & 0x0fff),
                static_cast<unsigned>(0x8000 | ((low >> 48) & 0x3fff)),
                static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return text;
}

std::string draw_mac(runtime::Rng& rng) {
  const std::uint64_t bits = rng();
  unsigned octet[6];
  for (int i = 0; i < 6; ++i) octet[i] = static_cast<unsigned>((bits >> (8 * i)) & 0xff);
  octet[0] = (octet[0] & 0xfc) | 0x02;  // locally administered, unicast
  char text[20];
  std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", octet[0], octet[1], octet[2],
                octet[3], octet[4], octet[5]);
  return text;
}

}  // namespace

Gateway::Gateway(DeviceContext context)
    : context_(std::move(context)),
      summary_every_(context_.params.get_duration("summary_every")),
      qos_(static_cast<int>(context_.params.get_int("qos"))),
      keeper_(context_.runtime, context_.rng, context_.mqtt, context_.identity.client_id,
              context_.identity.home),
      summary_timer_(context_.runtime),
      decommission_after_(context_.params.get_duration("decommission_after")),
      decommission_timer_(context_.runtime),
      upload_every_(context_.params.get_duration("upload_every")),
      upload_bytes_(context_.params.get_int("upload_bytes")),
      chunk_bytes_(context_.params.get_int("chunk_bytes")),
      oversize_probe_bytes_(context_.params.get_int("oversize_probe_bytes")),
      upload_timer_(context_.runtime) {
  const std::string& partner = context_.identity.partner;
  certificate_ = {partner.empty() ? context_.params.get_string("partner") : partner,
                  context_.identity.account, draw_uuid(context_.rng), draw_mac(context_.rng)};
  // The custom authorizer reads the certificate's principal attributes from the CONNECT.
  keeper_.options().username =
      "partner=" + certificate_.partner + ";account=" + certificate_.account +
      ";installation=" + certificate_.installation + ";mac=" + certificate_.mac;
  keeper_.options().will = runtime::WillMessage{status_topic(), status_payload("offline").dump(),
                                                kPresenceQos, /*retain=*/true};
  // MQTT 5: a gateway back within the delay never shows "offline" (MQTT-3.1.3-9).
  if (const auto delay = context_.params.get_duration("will_delay"); delay.count() > 0) {
    keeper_.options().will->delay = std::chrono::duration_cast<std::chrono::seconds>(delay);
  }
  const std::string home = home_prefix(context_.identity);
  keeper_.set_subscriptions({{home + "/+/state", qos_}, {home + "/cmd/#", qos_}});
  keeper_.set_callbacks(
      {.on_online = [this](bool) { on_online(); },
       .on_offline = nullptr,
       .on_message = [this](const runtime::ReceivedMessage& message) { on_message(message); }});
}

std::string Gateway::status_topic() const {
  return home_prefix(context_.identity) + "/gateway/status";
}
std::string Gateway::summary_topic() const {
  return home_prefix(context_.identity) + "/gateway/summary";
}
std::string Gateway::upload_topic() const {
  return home_prefix(context_.identity) + "/gateway/upload";
}

json Gateway::status_payload(const char* status) const {
  return {{"status", status},
          {"gateway", context_.identity.client_id},
          {"partner", certificate_.partner},
          {"account", certificate_.account},
          {"installation", certificate_.installation},
          {"mac", certificate_.mac}};
}

void Gateway::start() {
  boot_ = std::uniform_int_distribution<std::uint64_t>(1, 1u << 30)(context_.rng);
  keeper_.start();
  arm_summary();
  arm_upload();
  // Kinds are listed once per home section, so the one gateway to remove is named by home.
  if (context_.params.get_int("decommission_home") == context_.identity.home) {
    decommission_timer_.arm(decommission_after_, [this] { decommission(); });
  }
}

// The installer removes the gateway: an empty retained payload clears its status for every
// later subscriber (MQTT-3.3.1-10), then a DISCONNECT (no will, MQTT-3.14.4-3) a little
// later, so the clear is acknowledged first; it never connects again.
void Gateway::decommission() {
  if (!keeper_.publish(status_topic(), "", kPresenceQos, /*retain=*/true)) {
    decommission_timer_.arm(std::chrono::seconds(1), [this] { decommission(); });  // offline
    return;
  }
  decommissioned_ = true;
  summary_timer_.cancel();
  upload_timer_.cancel();
  decommission_timer_.arm(std::chrono::seconds(2), [this] { keeper_.disconnect(); });
}

void Gateway::reboot() {
  if (decommissioned_) return;
  // The certificate is in flash and survives; what the gateway had heard does not, nor an
  // upload it was sending (a new boot numbers its uploads afresh).
  states_.clear();
  updates_ = 0;
  boot_ = std::uniform_int_distribution<std::uint64_t>(1, 1u << 30)(context_.rng);
  uploads_ = 0;
  keeper_.restart();
  arm_summary();
  arm_upload();
}

void Gateway::disconnect_gracefully() {
  if (decommissioned_) return;
  // A clean DISCONNECT discards the will (MQTT-3.14.4-3), so say "offline" ourselves.
  keeper_.publish(status_topic(), status_payload("offline").dump(), kPresenceQos, true);
  keeper_.disconnect();
}

void Gateway::resume() {
  if (!decommissioned_) keeper_.resume();
}

void Gateway::on_online() {
  if (decommissioned_) {  // reconnected after a loss before its DISCONNECT went out
    keeper_.disconnect();
    return;
  }
  // Birth message: retained, so whoever subscribes later learns the gateway is up, and it
  // replaces the retained "offline" a previous will may have left.
  keeper_.publish(status_topic(), status_payload("online").dump(), kPresenceQos, true);
  if (oversize_probe_bytes_ > 0 && !probe_sent_) send_oversize_probe();
}

void Gateway::send_oversize_probe() {
  // Once per device: a payload meant to be over the broker's limit, which the broker must
  // refuse (the payload_limit check). QoS 0, so no client resends it after the broker
  // closes the connection over it.
  probe_sent_ = true;
  const auto room = std::max<std::int64_t>(
      0, oversize_probe_bytes_ - static_cast<std::int64_t>(keeper_.payload_overhead_bytes()));
  keeper_.publish(home_prefix(context_.identity) + "/gateway/probe",
                  std::string(static_cast<std::size_t>(room), 'p'), 0, false);
}

void Gateway::arm_upload() {
  if (upload_every_.count() == 0) return;
  upload_timer_.arm(upload_every_, [this] {
    upload();
    arm_upload();
  });
}

void Gateway::upload() {
  if (!keeper_.online()) return;  // a diagnostics log is taken fresh next time
  std::string content(static_cast<std::size_t>(upload_bytes_), 'a');
  for (char& c : content) c = static_cast<char>('a' + (context_.rng() & 0x0f));
  const std::string id =
      context_.identity.client_id + "-" + std::to_string(boot_) + "-" + std::to_string(++uploads_);
  // Each chunk within chunk_bytes on the wire: the runtime's envelope and the chunk's JSON
  // header are counted (the loader bounds chunk_bytes by the broker's payload_limit).
  const std::int64_t overhead = static_cast<std::int64_t>(
      keeper_.payload_overhead_bytes() + chunk_header_bytes(id.size(), upload_bytes_));
  const auto data_per_chunk =
      static_cast<std::size_t>(std::max<std::int64_t>(1, chunk_bytes_ - overhead));
  for (const std::string& chunk : split_upload(id, content, data_per_chunk)) {
    keeper_.publish(upload_topic(), chunk, qos_, false);
  }
}

void Gateway::on_message(const runtime::ReceivedMessage& message) {
  const std::string home = home_prefix(context_.identity) + "/";
  if (message.topic.compare(0, home.size(), home) != 0) return;
  const std::string rest = message.topic.substr(home.size());
  if (rest.compare(0, 4, "cmd/") == 0) {
    // cmd/{device}[/...] → {device}/cmd: the app side addresses the gateway, the gateway
    // addresses the device on its own radio (here: its command topic).
    const std::string device = rest.substr(4, rest.find('/', 4) - 4);
    if (!device.empty()) keeper_.publish(home + device + "/cmd", message.payload, qos_, false);
    return;
  }
  const std::size_t slash = rest.find('/');
  if (slash == std::string::npos || rest.substr(slash) != "/state") return;
  json state = json::parse(message.payload, nullptr, /*allow_exceptions=*/false);
  if (state.is_object()) state.erase("pad");  // sensors pad their readings; not news
  states_[rest.substr(0, slash)] = state.is_discarded() ? json(message.payload) : state;
  ++updates_;
}

void Gateway::arm_summary() {
  summary_timer_.arm(summary_every_, [this] {
    publish_summary();
    arm_summary();
  });
}

void Gateway::publish_summary() {
  if (!keeper_.online()) return;
  json devices = json::object();
  for (const auto& [device, state] : states_) devices[device] = state;
  const json summary = {
      {"gateway", context_.identity.client_id}, {"devices", devices}, {"updates", updates_}};
  keeper_.publish(summary_topic(), summary.dump(), qos_, false);
  updates_ = 0;
}

// Settle phase: no new periodic traffic; connection upkeep and replies go on.
void Gateway::stop_workload() {
  summary_timer_.cancel();
  if (!decommissioned_) decommission_timer_.cancel();
  upload_timer_.cancel();
}

}  // namespace mqttbed::devices
