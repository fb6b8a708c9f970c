// The fleet's fixed names: accounts, homes, client ids and the topics devices use. Other
// parts (simulation, checkers, scenarios, docs/devices.md) depend on these spellings.
#pragma once

#include <string>
#include <string_view>

#include "devices/device.h"

namespace mqttbed::devices {

inline constexpr std::string_view kShadowClientId = "cloud-shadow";

std::string account_name(int account);  // "acct3"
std::string home_name(int home);        // "home3"
// Homes are numbered across the fleet; home h belongs to account h / homes_per_account.
int account_of_home(int home, int homes_per_account);
// "acct3-home3-light0" for a home device, "acct3-app0" for a per-account device.
std::string home_client_id(int account, int home, std::string_view kind, int index);
std::string account_client_id(int account, std::string_view kind, int index);

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
