// Says what happened when a broker did not accept the probe: Paho reports "TCP connect
// timeout" even when TCP connected and the server then talked garbage, so a raw socket asks.
#pragma once

#include <chrono>
#include <string>

namespace mqttbed::live {

// Connects to host:port over plain TCP, sends an MQTT 3.1.1 CONNECT (clean session,
// `client_id`) and reads the answer for up to `timeout`. Returns one sentence: "TCP connect
// to H:P failed: ...", "connected to H:P over TCP but the server's reply was not an MQTT
// CONNACK (first bytes: ...)", "... closed the connection without a CONNACK", "... sent no
// CONNACK within N s", or "connected to H:P over TCP and the server answered CONNACK
// return code N". Never throws.
std::string diagnose_mqtt_connect(const std::string& host, int port, const std::string& client_id,
                                  std::chrono::seconds timeout);

}  // namespace mqttbed::live
