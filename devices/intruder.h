// An intruder: a device with a valid identity of one account that, on a seeded schedule,
// tries to break out of its namespace (issue 13): foreign and wildcard subscriptions,
// publishes into another account, a spoofed client id and forged credentials. Each attempt
// is recorded in the history before it is made (MqttClient::record_attempt), so the
// `authorization` checker can tell it from a legitimate operation.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "devices/device.h"
#include "devices/timer_slot.h"

namespace mqttbed::devices {

// The attempt kinds, as the `attempts` parameter and the history name them.
const std::vector<std::string>& intruder_attempt_kinds();

class Intruder final : public Device {
 public:
  explicit Intruder(DeviceContext context);
  ~Intruder() override;

  void start() override;
  void reboot() override;
  void disconnect_gracefully() override;
  void resume() override;
  void stop_workload() override;

 private:
  void make_client();
  void connect_own();
  void reconnect_later();
  runtime::ConnectOptions connect_options() const;
  void schedule_next();
  void attempt();
  void try_subscribe(const std::string& kind, const std::string& filter);
  void try_publish(const std::string& kind, const std::string& topic, const std::string& payload);
  void try_connect(const std::string& kind, const std::string& client_id,
                   const std::string& forgery);
  void after_foreign_connect();

  DeviceContext context_;
  std::vector<std::string> attempts_;
  runtime::Duration every_;
  std::string other_account_;  // "acct1": whose namespace it tries to enter
  std::string victim_;         // a thing of that account whose client id it spoofs
  std::unique_ptr<runtime::MqttClient> client_;
  TimerSlot next_;
  TimerSlot reconnect_;
  bool foreign_ = false;  // the current connection attempt is a spoof or a forgery
  bool running_ = false;  // workload phase: attempts go on
  bool paused_ = false;   // disconnect_gracefully() until resume()
};

}  // namespace mqttbed::devices
