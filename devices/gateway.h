// A residential gateway (kind "gateway"): connects with the identity of its certificate
// (partner, account, installation UUID, MAC), announces itself online with a retained
// birth message and offline through its will, summarises its home's device states and
// relays commands to devices. Optionally it is decommissioned: it clears its retained status
// with an empty retained payload and leaves for good. Optionally it uploads a diagnostics log
// larger than the broker's payload limit as chunks (devices/chunked_upload.h), and sends one
// payload over the limit to see the broker refuse it.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "devices/connection_keeper.h"
#include "devices/device.h"
#include "devices/timer_slot.h"

namespace mqttbed::devices {

// The principal attributes of the gateway's device certificate (seed: xPKI issuance).
struct GatewayCertificate {
  std::string partner;
  std::string account;
  std::string installation;  // UUID v4, drawn once from the device's own generator
  std::string mac;           // locally administered unicast, also drawn from it
};

class Gateway : public Device {
 public:
  explicit Gateway(DeviceContext context);

  void start() override;
  void reboot() override;
  void disconnect_gracefully() override;
  void resume() override;
  void stop_workload() override;

  const GatewayCertificate& certificate() const { return certificate_; }
  std::string status_topic() const;
  std::string summary_topic() const;
  std::string upload_topic() const;

 private:
  nlohmann::json status_payload(const char* status) const;
  void on_online();
  void on_message(const runtime::ReceivedMessage& message);
  void arm_summary();
  void publish_summary();
  void decommission();
  void arm_upload();
  void upload();
  void send_oversize_probe();

  DeviceContext context_;
  runtime::Duration summary_every_;
  int qos_;
  GatewayCertificate certificate_;
  ConnectionKeeper keeper_;
  TimerSlot summary_timer_;
  runtime::Duration decommission_after_;
  TimerSlot decommission_timer_;
  bool decommissioned_ = false;
  std::map<std::string, nlohmann::json> states_;  // latest state per device level
  std::uint64_t updates_ = 0;                     // state messages since the last summary
  runtime::Duration upload_every_;                // 0: no uploads
  std::int64_t upload_bytes_;
  std::int64_t chunk_bytes_;           // one chunk on the wire, envelope included
  std::int64_t oversize_probe_bytes_;  // 0: no probe
  bool probe_sent_ = false;
  TimerSlot upload_timer_;
  std::uint64_t boot_ = 0;  // drawn at each boot: upload ids never repeat across reboots
  std::uint64_t uploads_ = 0;
};

}  // namespace mqttbed::devices
