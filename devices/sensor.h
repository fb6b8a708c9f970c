// A sensor (kind "sensor"): periodic telemetry in streams numbered with the seed's
// seq/total technique, so the receiver can tell a complete stream from a gap.
#pragma once

#include <cstdint>
#include <list>
#include <string>

#include "devices/connection_keeper.h"
#include "devices/device.h"
#include "devices/timer_slot.h"

namespace mqttbed::devices {

class Sensor : public Device {
 public:
  explicit Sensor(DeviceContext context);

  void start() override;
  void reboot() override;
  void disconnect_gracefully() override;
  void resume() override;
  void stop_workload() override;

  // Readings taken while offline, waiting for the next connection.
  std::size_t backlog() const { return backlog_.size(); }
  std::uint64_t dropped_readings() const { return dropped_; }

 private:
  void begin();  // fresh memory: new stream id, first reading timer
  void arm_reading();
  void take_reading();
  std::string reading_payload();
  void flush_backlog();

  DeviceContext context_;
  runtime::Duration every_;
  runtime::Duration jitter_;
  std::int64_t payload_bytes_;
  int qos_;
  runtime::PublishOptions publish_options_;  // MQTT 5 Message Expiry Interval, if any
  std::int64_t total_;
  std::size_t offline_buffer_;
  ConnectionKeeper keeper_;
  TimerSlot reading_timer_;
  std::string topic_;
  std::uint64_t stream_ = 0;
  std::int64_t seq_ = 0;  // of the last reading taken; 0 before the first of a stream
  double value_ = 0;
  std::list<std::string> backlog_;
  std::uint64_t dropped_ = 0;
};

}  // namespace mqttbed::devices
