// The fleet's fixed names, spelled in one place.
#include "devices/naming.h"

namespace mqttbed::devices {

DeviceIdentity home_identity(int account, int home, std::string_view kind, int index) {
  DeviceIdentity identity;
  identity.client_id = home_client_id(account, home, kind, index);
  identity.kind = std::string(kind);
  identity.home = home;
  identity.index = index;
  identity.account = account_name(account);
  identity.home_id = home_name(home);
  return identity;
}

DeviceIdentity account_identity(int account, std::string_view kind, int index) {
  DeviceIdentity identity;
  identity.client_id = account_client_id(account, kind, index);
  identity.kind = std::string(kind);
  identity.index = index;
  identity.account = account_name(account);
  return identity;
}

DeviceIdentity shadow_identity() {
  DeviceIdentity identity;
  identity.client_id = std::string(kShadowClientId);
  identity.kind = std::string(scenario::kShadowKind);
  return identity;
}

std::string device_segment(const DeviceIdentity& identity) {
  return identity.kind + std::to_string(identity.index);
}

std::string home_prefix(const DeviceIdentity& identity) {
  return "platform/" + identity.account + "/" + identity.home_id;
}

std::string state_topic(const DeviceIdentity& identity) {
  return home_prefix(identity) + "/" + device_segment(identity) + "/state";
}

std::string command_topic(const DeviceIdentity& identity) {
  return home_prefix(identity) + "/" + device_segment(identity) + "/cmd";
}

std::string shadow_topic(std::string_view thing, std::string_view suffix) {
  return "$aws/things/" + std::string(thing) + "/shadow/" + std::string(suffix);
}

bool parse_shadow_topic(std::string_view topic, std::string* thing, std::string* suffix) {
  constexpr std::string_view kHead = "$aws/things/";
  constexpr std::string_view kShadow = "/shadow/";
  if (topic.substr(0, kHead.size()) != kHead) return false;
  const std::size_t shadow = topic.find(kShadow, kHead.size());
  if (shadow == std::string_view::npos || shadow == kHead.size()) return false;
  *thing = std::string(topic.substr(kHead.size(), shadow - kHead.size()));
  *suffix = std::string(topic.substr(shadow + kShadow.size()));
  return thing->find('/') == std::string::npos && !suffix->empty();
}

}  // namespace mqttbed::devices
