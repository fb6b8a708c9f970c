// A light (kind "light"): a thing with an AWS-style shadow holding power and brightness. It
// follows desired state from the shadow, reports what it applied with the version it last
// saw, and publishes its state to its home's platform topic. Optionally it keeps its
// configuration in a named shadow `config`, and it remakes its shadow after a delete.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "devices/connection_keeper.h"
#include "devices/device.h"
#include "devices/timer_slot.h"

namespace mqttbed::devices {

class Light : public Device {
 public:
  explicit Light(DeviceContext context);

  void start() override;
  void reboot() override;
  void disconnect_gracefully() override;
  void resume() override;
  void stop_workload() override;

  bool power_on() const { return power_on_; }
  int brightness() const { return brightness_; }
  std::int64_t last_seen_version() const { return version_; }

 private:
  void on_online();
  void on_message(const runtime::ReceivedMessage& message);
  void on_shadow(const std::string& suffix, const nlohmann::json& body);
  void on_get_accepted(const nlohmann::json& body);
  // Applies the fields it knows; true when something changed.
  bool apply(const nlohmann::json& fields);
  nlohmann::json local_state() const;
  void report_to_shadow(bool with_version);
  void publish_state();
  void request_shadow();
  // Reports its configuration to its `config` named shadow (once a boot, when accepted).
  void report_config();
  void arm_report();
  // Every request carries a clientToken; one left unanswered for shadow_timeout (lost on the
  // way, or dropped from a full queue) makes the light ask for its shadow again.
  std::string next_token();
  void await_answer(const std::string& token);
  void on_answer(const nlohmann::json& body);
  void on_answer_timeout();

  DeviceContext context_;
  runtime::Duration report_every_;
  runtime::Duration shadow_timeout_;
  int qos_;
  bool config_shadow_;
  ConnectionKeeper keeper_;
  TimerSlot report_timer_;
  TimerSlot answer_timer_;
  std::set<std::string> unanswered_;  // clientTokens of requests still without an answer
  bool power_on_ = false;
  int brightness_ = 0;
  std::int64_t version_ = 0;    // the highest shadow version seen
  bool config_stored_ = false;  // the config named shadow accepted this boot's report
  std::uint64_t tokens_ = 0;
};

}  // namespace mqttbed::devices
