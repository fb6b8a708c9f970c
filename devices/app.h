// A mobile app (kind "app", one or more per account): watches its account's platform
// topics and its lights' shadows, sets a random light's desired state every
// `command_every`, and measures how long until the light reports it (command round-trip).
// Optionally its user opens one home's view at a time (SUBSCRIBE to the home, UNSUBSCRIBE
// when leaving it) and it watches every gateway's status through a second, overlapping
// filter. Optionally its user resets a light now and then (deletes its shadow).
// It reassembles its gateways' chunked uploads and reports each one complete or lost.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "devices/chunked_upload.h"
#include "devices/connection_keeper.h"
#include "devices/device.h"
#include "devices/timer_slot.h"

namespace mqttbed::devices {

class App : public Device {
 public:
  explicit App(DeviceContext context);

  void start() override;
  void reboot() override;
  void disconnect_gracefully() override;
  void resume() override;
  void stop_workload() override;

  std::size_t pending_commands() const { return pending_.size(); }
  std::uint64_t platform_messages() const { return platform_messages_; }
  std::uint64_t responses() const { return responses_; }  // MQTT 5 responses received

 private:
  struct PendingCommand {
    nlohmann::json desired;
    runtime::TimePoint sent_at{0};
  };

  void arm_command();
  void send_command();
  void on_message(const runtime::ReceivedMessage& message);
  void on_documents(const std::string& thing, const nlohmann::json& body);
  void arm_reset();
  void reset_thing();
  void arm_view();
  void open_view();
  void close_view();
  void on_chunk(const std::string& payload);
  void arm_expiry();
  // MQTT 5 request/response (§4.10): a state request to a random light, answered on
  // response_topic_ with the request's Correlation Data.
  void arm_request();
  void send_request();
  void report(std::string report);
  void flush_reports();

  DeviceContext context_;
  runtime::Duration command_every_;
  runtime::Duration command_jitter_;
  int qos_;
  ConnectionKeeper keeper_;
  TimerSlot command_timer_;
  runtime::Duration view_every_;
  runtime::Duration view_for_;
  std::vector<std::string> homes_;  // "home3", the homes of its things, sorted
  std::string view_;                // the open view's filter, "" when none
  TimerSlot view_timer_;
  runtime::Duration reset_every_;
  TimerSlot reset_timer_;
  std::map<std::string, PendingCommand> pending_;  // by thing
  std::uint64_t commands_ = 0;
  std::uint64_t platform_messages_ = 0;
  Reassembler reassembler_;
  TimerSlot expiry_timer_;
  std::vector<std::string> unsent_reports_;  // made while offline, sent when back
  runtime::Duration request_every_;
  std::string response_topic_;  // platform/{account}/{client id}/response
  TimerSlot request_timer_;
  std::uint64_t requests_ = 0;
  std::uint64_t responses_ = 0;
};

}  // namespace mqttbed::devices
