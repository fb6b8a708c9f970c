// The per-section readers behind load_scenario_*: each turns one YAML section into its
// struct and validates it. Internal to sim/scenario; the public entry point is loader.h.
#pragma once

#include <vector>

#include "sim/scenario/loader.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/yaml_field.h"

namespace mqttbed::scenario {

MqttSettings read_mqtt(const Field& field);
// The mqtt: keys of MQTT 5 subscription options and flow control (read_mqtt5.cpp); they
// refuse version 3.1.1, which has none of them.
void read_mqtt5_flow(const Field& mqtt_field, MqttSettings& mqtt);
BrokerSettings read_broker(const Field& field);
// Link classes not written keep the documented defaults (see default_network()).
Network read_network(const Field& field);
Network default_network();
LatencyDist read_latency(const Field& field);
// Refuses what the broker declares it refuses (BrokerSettings: payload_limit, QoS 2).
Fleet read_fleet(const Field& field, const KindCatalog& kinds, const BrokerSettings& broker);
Params read_params(const std::optional<Field>& field, const KindSpec& spec);
// Needs the fleet (targets must select something) and the duration (windows must fit).
std::vector<Fault> read_faults(const Field& field, const Scenario& scenario);
Target read_target(const Field& field, const Scenario& scenario);
IdentitySettings read_identity(const Field& field);
// Needs the fleet: every kind named must exist and every kind must be granted something.
policy::Policy read_policy(const Field& field, const Fleet& fleet);
// `known`: the check catalog's scenario-level names.
std::vector<std::string> read_checks(const Field& field, const std::vector<std::string>& known);
std::vector<Expectation> read_expect(const Field& field);

}  // namespace mqttbed::scenario
