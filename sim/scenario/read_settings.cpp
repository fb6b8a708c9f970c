// Readers of the protocol-level sections: mqtt: and broker:.
#include <limits>

#include "sim/scenario/readers.h"
#include "sim/scenario/units.h"

namespace mqttbed::scenario {
namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

// MQTT carries these as whole seconds, so 1500ms cannot be sent: say so rather than round.
Duration whole_seconds(const Field& field, Duration max) {
  Duration value = field.as_duration();
  if (value.count() % kNanosPerSecond != 0 || value > max) {
    field.fail_expected("whole seconds from 0s to " + units::format_duration(max));
  }
  return value;
}

void read_reconnect(const Field& field, MqttSettings& mqtt) {
  field.expect_keys({"min", "max"});
  if (auto min = field.get("min"))
    mqtt.reconnect_min = min->as_duration(std::chrono::milliseconds(1));
  if (auto max = field.get("max")) {
    mqtt.reconnect_max = max->as_duration();
    if (mqtt.reconnect_max < mqtt.reconnect_min) {
      max->fail_expected("a duration >= reconnect.min (" +
                         units::format_duration(mqtt.reconnect_min) + ")");
    }
  } else if (mqtt.reconnect_max < mqtt.reconnect_min) {
    mqtt.reconnect_max = mqtt.reconnect_min;
  }
}

}  // namespace

MqttSettings read_mqtt(const Field& field) {
  field.expect_keys({"version", "keepalive", "persistent_sessions", "session_expiry", "reconnect",
                     "subscription_options", "receive_maximum", "ack_delay"});
  MqttSettings mqtt;
  if (auto version = field.get("version")) {
    std::string text = version->is_scalar() ? version->as_text() : "";
    if (text == "3.1.1") {
      mqtt.version = MqttVersion::v311;
    } else if (text == "5") {
      mqtt.version = MqttVersion::v5;
    } else {
      version->fail_expected("\"3.1.1\" or 5");
    }
  }
  // MQTT 3.1.1 §3.1.2.10: keep alive is a two-byte number of seconds.
  if (auto keepalive = field.get("keepalive")) {
    mqtt.keepalive = whole_seconds(*keepalive, std::chrono::seconds(65535));
  }
  if (auto persistent = field.get("persistent_sessions"))
    mqtt.persistent_sessions = persistent->as_bool();
  if (auto expiry = field.get("session_expiry")) {
    // 3.1.1 has no session expiry: accepting it would promise behaviour that never happens.
    if (mqtt.version != MqttVersion::v5) {
      expiry->fail_at_key(
          "found session_expiry with version 3.1.1, expected it only with version 5 "
          "(3.1.1 sessions never expire)");
    }
    mqtt.session_expiry = whole_seconds(*expiry, std::chrono::seconds(4294967295LL));
  }
  if (auto reconnect = field.get("reconnect")) read_reconnect(*reconnect, mqtt);
  read_mqtt5_flow(field, mqtt);
  return mqtt;
}

BrokerSettings read_broker(const Field& field) {
  field.expect_keys({"profile", "max_inflight", "max_queued", "persistence", "payload_limit",
                     "qos2", "ordering", "reorder_window", "denied_publish"});
  BrokerSettings broker;
  // The profile is the starting point whatever the key order; every other key overrides it.
  if (auto profile = field.get("profile")) {
    const std::string name = profile->is_scalar() ? profile->as_text() : "";
    auto preset = broker_profile(name);
    if (!preset) {
      profile->fail_expected(join_alternatives(broker_profile_names()) +
                             did_you_mean(name, broker_profile_names()));
    }
    broker = *preset;
  }
  if (auto inflight = field.get("max_inflight")) {
    broker.max_inflight = static_cast<int>(inflight->as_int(1, 65535));
  }
  if (auto queued = field.get("max_queued")) {
    broker.max_queued = static_cast<int>(queued->as_int(0, 1'000'000'000));
  }
  if (auto persistence = field.get("persistence")) broker.persistence = persistence->as_bool();
  // The largest MQTT remaining length is 268,435,455 bytes (four-byte variable integer).
  if (auto limit = field.get("payload_limit")) {
    broker.payload_limit_bytes = limit->as_size_bytes(1, 268'435'455);
  }
  if (auto qos2 = field.get("qos2")) {
    if (qos2->is_scalar() && qos2->as_text() == "unanswered") {
      broker.qos2 = false;
      broker.qos2_unanswered = true;
    } else {
      if (!qos2->is_scalar() || (qos2->as_text() != "true" && qos2->as_text() != "false")) {
        qos2->fail_expected("true, false or unanswered");
      }
      broker.qos2 = qos2->as_bool();
      broker.qos2_unanswered = false;
    }
  }
  if (auto ordering = field.get("ordering")) broker.ordering = ordering->as_bool();
  if (auto denied = field.get("denied_publish")) {
    if (!denied->is_scalar()) denied->fail_expected("drop or disconnect");
    const std::string answer = denied->as_text();
    if (answer != "drop" && answer != "disconnect") denied->fail_expected("drop or disconnect");
    broker.close_on_denied_publish = answer == "disconnect";
  }
  if (auto window = field.get("reorder_window")) {
    broker.reorder_window = window->as_duration();
    if (broker.ordering && broker.reorder_window.count() > 0) {
      window->fail_at_key(
          "found reorder_window with ordering: true, expected it only with ordering: false "
          "(a broker that promises order may not reorder)");
    }
  }
  if (broker.ordering) broker.reorder_window = Duration{0};
  return broker;
}

}  // namespace mqttbed::scenario
