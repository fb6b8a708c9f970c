#include "devices/intruder.h"

#include <algorithm>
#include <chrono>
#include <sstream>
#include <stdexcept>

#include "devices/naming.h"

namespace mqttbed::devices {
namespace {

using namespace std::chrono_literals;

// How long a wrongly accepted foreign connection is held (to see what it receives) before
// the intruder goes back to its own identity.
constexpr runtime::Duration kForeignHold = 2s;
constexpr runtime::Duration kReconnectDelay = 1s;

std::vector<std::string> parse_attempts(const std::string& text) {
  if (text == "all") return intruder_attempt_kinds();
  std::vector<std::string> kinds;
  std::stringstream in(text);
  std::string kind;
  while (std::getline(in, kind, ',')) {
    kind.erase(std::remove(kind.begin(), kind.end(), ' '), kind.end());
    const auto& known = intruder_attempt_kinds();
    if (std::find(known.begin(), known.end(), kind) == known.end())
      throw std::invalid_argument("intruder: unknown attempt '" + kind + "' in attempts");
    kinds.push_back(kind);
  }
  if (kinds.empty()) throw std::invalid_argument("intruder: attempts names no attempt");
  return kinds;
}

bool is_token_forgery(const std::string& kind) { return kind.find("token") != std::string::npos; }

}  // namespace

const std::vector<std::string>& intruder_attempt_kinds() {
  static const std::vector<std::string> kinds = {
      "subscribe_foreign",     "subscribe_all",          "subscribe_wildcard",
      "subscribe_shadows",     "publish_command",        "publish_shadow_update",
      "connect_spoofed_id",    "expired_token",          "unknown_key_token",
      "unsigned_token",        "unknown_ca_certificate", "revoked_certificate",
      "mismatched_certificate"};
  return kinds;
}

Intruder::Intruder(DeviceContext context)
    : context_(std::move(context)),
      attempts_(parse_attempts(context_.params.get_string("attempts"))),
      every_(context_.params.get_duration("every")),
      next_(context_.runtime),
      reconnect_(context_.runtime) {
  const auto own = scenario::parse_client_id(context_.identity.client_id);
  const int other = own && own->account == 0 ? 1 : 0;
  other_account_ = account_name(other);
  victim_ = context_.params.get_string("victim");
  // Default: the first light of home `other`, which is that account's with one home each.
  if (victim_.empty()) victim_ = home_client_id(other, other, "light", 0);
}

Intruder::~Intruder() = default;

void Intruder::start() {
  // Drawn at start from the device's own generator: the same intruders are active each run.
  if (std::uniform_real_distribution<double>(0, 1)(context_.rng) >=
      context_.params.get_number("share"))
    return;  // dormant: never connects, never tries anything
  running_ = true;
  make_client();
  connect_own();
  schedule_next();
}

void Intruder::make_client() {
  client_ = context_.runtime.make_client(context_.identity.client_id, context_.identity.home);
  client_->on_connected = [this](bool) {
    if (foreign_) after_foreign_connect();
  };
  // A refused attempt (or a refused own CONNECT, which the checker judges) and a lost
  // connection both lead back to the intruder's own identity, from the event loop.
  client_->on_connect_failed = [this](int) { reconnect_later(); };
  client_->on_connection_lost = [this](runtime::LossReason) { reconnect_later(); };
  // A granted foreign filter is dropped again at once: the attempt is what counts.
  client_->on_subscribed = [this](const std::string& filter, int granted) {
    if (granted < 0x80 && client_->is_connected()) client_->unsubscribe(filter);
  };
}

void Intruder::reconnect_later() {
  foreign_ = false;
  if (!paused_) reconnect_.arm(kReconnectDelay, [this] { connect_own(); });
}

runtime::ConnectOptions Intruder::connect_options() const {
  runtime::ConnectOptions options;
  options.version = context_.mqtt.version == scenario::MqttVersion::v5
                        ? runtime::ProtocolVersion::v5
                        : runtime::ProtocolVersion::v311;
  options.clean_session = true;
  options.keepalive = std::chrono::duration_cast<std::chrono::seconds>(context_.mqtt.keepalive);
  if (options.version == runtime::ProtocolVersion::v5) options.session_expiry = 0s;
  return options;
}

void Intruder::connect_own() {
  reconnect_.cancel();
  foreign_ = false;
  if (paused_ || client_->is_connected()) return;
  client_->connect(connect_options());
}

void Intruder::schedule_next() {
  if (!running_) return;
  // Uniform in [every/2, 3*every/2]: attempts do not line up across intruders.
  std::uniform_int_distribution<std::int64_t> spread(every_.count() / 2, every_.count() * 3 / 2);
  next_.arm(runtime::Duration(spread(context_.rng)), [this] {
    attempt();
    schedule_next();
  });
}

void Intruder::attempt() {
  // Attempts need the intruder's own connection; a tick without one is skipped.
  if (paused_ || foreign_ || !client_ || !client_->is_connected()) return;
  std::uniform_int_distribution<std::size_t> pick(0, attempts_.size() - 1);
  const std::string& kind = attempts_[pick(context_.rng)];
  const std::string other_prefix = "platform/" + other_account_;
  DeviceIdentity victim;
  victim.client_id = victim_;
  if (auto parts = scenario::parse_client_id(victim_); parts && parts->home >= 0) {
    victim = home_identity(parts->account, parts->home, parts->kind, parts->index);
  }
  if (kind == "subscribe_foreign") return try_subscribe(kind, other_prefix + "/#");
  if (kind == "subscribe_all") return try_subscribe(kind, "#");
  if (kind == "subscribe_wildcard") return try_subscribe(kind, "+/+/#");
  if (kind == "subscribe_shadows") return try_subscribe(kind, "$aws/things/+/shadow/#");
  if (kind == "publish_command")
    return try_publish(kind, victim.account.empty() ? other_prefix + "/cmd" : command_topic(victim),
                       R"({"power":"off"})");
  if (kind == "publish_shadow_update")
    return try_publish(kind, shadow_topic(victim_, "update"),
                       R"({"state":{"desired":{"power":"off"}}})");
  if (kind == "connect_spoofed_id") return try_connect(kind, victim_, "");
  // Forged credentials, in the intruder's own name: only the credential is wrong. A token
  // names a per-account principal, so a home intruder presents it as its account's app-like
  // id (acct{A}-{kind}{i}).
  std::string as = context_.identity.client_id;
  if (is_token_forgery(kind) && context_.identity.home >= 0) {
    as = account_client_id(scenario::parse_client_id(as)->account, context_.identity.kind,
                           context_.identity.index);
  }
  try_connect(kind, as, kind);
}

void Intruder::try_subscribe(const std::string& kind, const std::string& filter) {
  client_->record_attempt(kind, filter);
  client_->subscribe(filter, 0);
}

void Intruder::try_publish(const std::string& kind, const std::string& topic,
                           const std::string& payload) {
  client_->record_attempt(kind, topic);
  // QoS 0: a refused publish owes nobody anything, so no delivery guarantee is at stake.
  client_->publish(topic, payload, 0, false);
}

void Intruder::try_connect(const std::string& kind, const std::string& client_id,
                           const std::string& forgery) {
  client_->disconnect();
  foreign_ = true;
  runtime::ConnectOptions options = connect_options();
  options.connect_as = client_id;
  options.forged_credential = forgery;
  client_->record_attempt(kind, client_id);
  client_->connect(options);
}

void Intruder::after_foreign_connect() {
  // Wrongly accepted: hold the connection briefly (whatever arrives is recorded against the
  // intruder's own name), then go back to its own identity.
  reconnect_.arm(kForeignHold, [this] {
    client_->disconnect();
    connect_own();
  });
}

void Intruder::reboot() {
  if (!running_ && !client_) return;  // dormant
  reconnect_.cancel();
  client_.reset();
  foreign_ = false;
  make_client();
  connect_own();
}

void Intruder::disconnect_gracefully() {
  if (!client_) return;  // dormant
  paused_ = true;
  reconnect_.cancel();
  foreign_ = false;
  if (client_) client_->disconnect();
}

void Intruder::resume() {
  if (!paused_ || !client_) return;
  paused_ = false;
  connect_own();
}

void Intruder::stop_workload() {
  running_ = false;
  next_.cancel();
}

}  // namespace mqttbed::devices
