// The fleet's fixed names: accounts, homes, client ids and the topics devices use. Other
// parts (simulation, checkers, scenarios, docs/devices.md) depend on these spellings.
#pragma once

#include <string>
#include <string_view>

#include "devices/device.h"
#include "sim/scenario/client_id.h"

namespace mqttbed::devices {

// Client ids and account/home names are the scenario's (sim/scenario/client_id.h): one
// grammar for the fleet, the authorizer, the checkers and the metrics.
using scenario::account_client_id;
using scenario::account_name;
using scenario::home_client_id;
using scenario::home_name;
using scenario::kShadowClientId;

DeviceIdentity home_identity(int account, int home, std::string_view kind, int index);
DeviceIdentity account_identity(int account, std::string_view kind, int index);
DeviceIdentity shadow_identity();

// A device's own level under its home: "{kind}{index}", e.g. "light0".
std::string device_segment(const DeviceIdentity& identity);

// platform/{account}/{home}
std::string home_prefix(const DeviceIdentity& identity);
// platform/{account}/{home}/{device}/state: a device's state (lights) or readings (sensors).
std::string state_topic(const DeviceIdentity& identity);
// platform/{account}/{home}/{device}/cmd: commands the gateway relays to a device.
std::string command_topic(const DeviceIdentity& identity);
// The AWS IoT shadow topic of `thing`: $aws/things/{thing}/shadow/{suffix}, suffix like
// "update", "update/delta", "get/accepted".
std::string shadow_topic(std::string_view thing, std::string_view suffix);

// Splits a shadow topic into its thing and suffix; false when `topic` is not one.
bool parse_shadow_topic(std::string_view topic, std::string* thing, std::string* suffix);

}  // namespace mqttbed::devices
