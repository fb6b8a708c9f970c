// mqttbed's mosquitto plugin (plugin API v5, mosquitto 2.0): the talk's custom authorizer
// inside a real broker. It loads the scenario named by `plugin_opt_scenario` and the token key
// named by `plugin_opt_token_key`, then answers MOSQ_EVT_BASIC_AUTH (a certificate's subject,
// or the password as a JWT, then iot:Connect) and MOSQ_EVT_ACL_CHECK (iot:Publish,
// iot:Subscribe, iot:Receive) with brokerconf::LiveAuthorizer: the same evaluator the
// simulated broker and the checkers use. Every refusal is logged with the policy's reason.
#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>
#include <openssl/x509.h>

#include <ctime>
#include <exception>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "devices/registry.h"
#include "sim/brokerconf/live_authorizer.h"
#include "sim/check/check_catalog.h"
#include "sim/scenario/loader.h"

namespace {

using mqttbed::brokerconf::LiveAuthorizer;
using mqttbed::identity::ConnectCheck;
using mqttbed::policy::Action;

struct Plugin {
  mosquitto_plugin_id_t* id = nullptr;
  std::unique_ptr<LiveAuthorizer> authorizer;
};

std::string client_id_of(const mosquitto* client) {
  const char* id = mosquitto_client_id(client);
  return id ? id : "";
}

int on_basic_auth(int, void* event_data, void* userdata) {
  auto* event = static_cast<mosquitto_evt_basic_auth*>(event_data);
  auto* plugin = static_cast<Plugin*>(userdata);
  const std::string client_id = client_id_of(event->client);
  ConnectCheck check;
  try {
    if (auto* certificate = static_cast<X509*>(mosquitto_client_certificate(event->client))) {
      check = plugin->authorizer->connect_with_certificate(client_id, certificate);
      X509_free(certificate);
    } else if (event->password) {
      check = plugin->authorizer->connect_with_token(client_id, event->password,
                                                     static_cast<std::int64_t>(std::time(nullptr)));
    } else {
      check.reason = "no credential (neither a client certificate nor a token)";
    }
  } catch (const std::exception& error) {
    check = ConnectCheck{};
    check.reason = error.what();
  }
  if (check.outcome == ConnectCheck::Outcome::accepted) return MOSQ_ERR_SUCCESS;
  mosquitto_log_printf(MOSQ_LOG_NOTICE, "mqttbed: refused CONNECT of %s: %s", client_id.c_str(),
                       check.reason.c_str());
  return MOSQ_ERR_AUTH;
}

int on_acl_check(int, void* event_data, void* userdata) {
  auto* event = static_cast<mosquitto_evt_acl_check*>(event_data);
  auto* plugin = static_cast<Plugin*>(userdata);
  Action action;
  switch (event->access) {
    case MOSQ_ACL_WRITE:
      action = Action::publish;
      break;
    case MOSQ_ACL_READ:
      action = Action::receive;
      break;
    case MOSQ_ACL_SUBSCRIBE:
      action = Action::subscribe;
      break;
    default:  // unsubscribing grants nothing
      return MOSQ_ERR_SUCCESS;
  }
  const std::string client_id = client_id_of(event->client);
  mqttbed::policy::Decision decision =
      plugin->authorizer->decide(client_id, action, event->topic ? event->topic : "");
  if (decision.allowed) return MOSQ_ERR_SUCCESS;
  mosquitto_log_printf(MOSQ_LOG_NOTICE, "mqttbed: denied %s of %s on %s: %s",
                       mqttbed::policy::to_string(action), client_id.c_str(), event->topic,
                       decision.reason.c_str());
  return MOSQ_ERR_ACL_DENIED;
}

std::string option(mosquitto_opt* options, int count, const char* key) {
  for (int i = 0; i < count; ++i)
    if (std::string(options[i].key) == key) return options[i].value;
  return "";
}

}  // namespace

extern "C" {

int mosquitto_plugin_version(int supported_version_count, const int* supported_versions) {
  for (int i = 0; i < supported_version_count; ++i)
    if (supported_versions[i] == MOSQ_PLUGIN_VERSION) return MOSQ_PLUGIN_VERSION;
  return -1;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t* identifier, void** userdata,
                          mosquitto_opt* options, int option_count) {
  const std::string scenario_path = option(options, option_count, "scenario");
  const std::string key_path = option(options, option_count, "token_key");
  if (scenario_path.empty() || key_path.empty()) {
    mosquitto_log_printf(MOSQ_LOG_ERR,
                         "mqttbed: plugin_opt_scenario and plugin_opt_token_key are required");
    return MOSQ_ERR_INVAL;
  }
  auto plugin = std::make_unique<Plugin>();
  plugin->id = identifier;
  try {
    std::ifstream key_file(key_path);
    std::stringstream key;
    key << key_file.rdbuf();
    if (!key_file) throw std::runtime_error("cannot read " + key_path);
    auto scenario = mqttbed::scenario::load_scenario_file(
        scenario_path, {mqttbed::devices::kind_catalog(), mqttbed::check::scenario_check_names()});
    plugin->authorizer = std::make_unique<LiveAuthorizer>(scenario, key.str());
  } catch (const std::exception& error) {
    mosquitto_log_printf(MOSQ_LOG_ERR, "mqttbed: %s", error.what());
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_callback_register(identifier, MOSQ_EVT_BASIC_AUTH, on_basic_auth, nullptr,
                                  plugin.get()) != MOSQ_ERR_SUCCESS ||
      mosquitto_callback_register(identifier, MOSQ_EVT_ACL_CHECK, on_acl_check, nullptr,
                                  plugin.get()) != MOSQ_ERR_SUCCESS) {
    return MOSQ_ERR_UNKNOWN;
  }
  mosquitto_log_printf(MOSQ_LOG_INFO, "mqttbed: authorizer loaded from %s", scenario_path.c_str());
  *userdata = plugin.release();
  return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_cleanup(void* userdata, mosquitto_opt*, int) {
  auto* plugin = static_cast<Plugin*>(userdata);
  if (plugin) {
    mosquitto_callback_unregister(plugin->id, MOSQ_EVT_BASIC_AUTH, on_basic_auth, nullptr);
    mosquitto_callback_unregister(plugin->id, MOSQ_EVT_ACL_CHECK, on_acl_check, nullptr);
  }
  delete plugin;
  return MOSQ_ERR_SUCCESS;
}

}  // extern "C"
