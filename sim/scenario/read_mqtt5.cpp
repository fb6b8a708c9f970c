// Readers of the MQTT 5 keys of mqtt:: subscription_options, receive_maximum, ack_delay.
#include <string>

#include "sim/scenario/readers.h"

namespace mqttbed::scenario {
namespace {

// Only MQTT 5 has them: accepting one with 3.1.1 would promise behaviour that never happens.
void require_v5(const Field& field, const MqttSettings& mqtt, const std::string& key) {
  if (mqtt.version == MqttVersion::v5) return;
  field.fail_at_key("found " + key + " with version 3.1.1, expected it only with version 5");
}

void read_subscription_options(const Field& field, MqttSettings& mqtt) {
  field.expect_keys({"no_local", "retain_as_published", "retain_handling", "identifiers"});
  if (auto no_local = field.get("no_local")) mqtt.no_local = no_local->as_bool();
  if (auto keep = field.get("retain_as_published")) mqtt.retain_as_published = keep->as_bool();
  if (auto handling = field.get("retain_handling"))
    mqtt.retain_handling = static_cast<int>(handling->as_int(0, 2));  // §3.8.3.1: 3 is an error
  if (auto ids = field.get("identifiers")) mqtt.subscription_ids = ids->as_bool();
}

}  // namespace

void read_mqtt5_flow(const Field& mqtt_field, MqttSettings& mqtt) {
  if (auto options = mqtt_field.get("subscription_options")) {
    require_v5(*options, mqtt, "subscription_options");
    read_subscription_options(*options, mqtt);
  }
  if (auto maximum = mqtt_field.get("receive_maximum")) {
    require_v5(*maximum, mqtt, "receive_maximum");
    // §3.1.2.11.3: a Two Byte Integer, and 0 is a Protocol Error.
    mqtt.receive_maximum = static_cast<int>(maximum->as_int(1, 65535));
  }
  if (auto delay = mqtt_field.get("ack_delay")) {
    require_v5(*delay, mqtt, "ack_delay");
    mqtt.ack_delay = delay->as_duration();
  }
}

}  // namespace mqttbed::scenario
