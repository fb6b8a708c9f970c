// The sensor's reading loop, stream numbering and offline backlog.
#include "devices/sensor.h"

#include <algorithm>
#include <cstdio>

#include "devices/naming.h"

namespace mqttbed::devices {

Sensor::Sensor(DeviceContext context)
    : context_(std::move(context)),
      every_(context_.params.get_duration("every")),
      jitter_(context_.params.get_duration("jitter")),
      payload_bytes_(context_.params.get_int("payload_bytes")),
      qos_(static_cast<int>(context_.params.get_int("qos"))),
      total_(std::max<std::int64_t>(1, context_.params.get_int("total"))),
      offline_buffer_(static_cast<std::size_t>(context_.params.get_int("offline_buffer"))),
      keeper_(context_.runtime, context_.rng, context_.mqtt, context_.identity.client_id,
              context_.identity.home),
      reading_timer_(context_.runtime),
      topic_(state_topic(context_.identity)) {
  // A reading nobody took within message_expiry is stale: the broker may drop it
  // (MQTT 5 only; 3.1.1 has no expiry).
  if (const auto expiry = context_.params.get_duration("message_expiry"); expiry.count() > 0) {
    publish_options_.message_expiry = std::chrono::duration_cast<std::chrono::seconds>(expiry);
  }
  keeper_.set_callbacks({.on_online = [this](bool) { flush_backlog(); },
                         .on_offline = nullptr,
                         .on_message = nullptr});
}

void Sensor::start() {
  begin();
  keeper_.start();
}

void Sensor::reboot() {
  begin();
  keeper_.restart();
}

void Sensor::disconnect_gracefully() { keeper_.disconnect(); }
void Sensor::resume() { keeper_.resume(); }

void Sensor::begin() {
  // A rebooted sensor remembers nothing, so it cannot continue its stream numbering; a
  // random stream id keeps its new streams apart from the ones before the reboot.
  stream_ = std::uniform_int_distribution<std::uint64_t>(1, 1u << 30)(context_.rng);
  seq_ = 0;
  value_ = std::uniform_real_distribution<double>(18.0, 24.0)(context_.rng);
  backlog_.clear();
  arm_reading();
}

void Sensor::arm_reading() {
  // Period `every` ± `jitter`, uniformly: the mean rate stays 1/every.
  const std::int64_t spread = std::min(jitter_, every_).count();
  const std::int64_t offset =
      std::uniform_int_distribution<std::int64_t>(-spread, spread)(context_.rng);
  reading_timer_.arm(every_ + runtime::Duration(offset), [this] {
    take_reading();
    arm_reading();
  });
}

void Sensor::take_reading() {
  if (seq_ == total_) {  // the stream is complete: the next reading opens a new one
    ++stream_;
    seq_ = 0;
  }
  ++seq_;
  value_ += std::normal_distribution<double>(0.0, 0.1)(context_.rng);
  std::string payload = reading_payload();
  if (keeper_.online() && backlog_.empty()) {
    keeper_.publish(topic_, payload, qos_, false, publish_options_);
    return;
  }
  // Offline: keep the reading for later, in order; a full buffer loses the oldest, which
  // the receiver then sees as a gap in that stream.
  if (offline_buffer_ == 0) {
    ++dropped_;
    return;
  }
  if (backlog_.size() >= offline_buffer_) {
    backlog_.pop_front();
    ++dropped_;
  }
  backlog_.push_back(std::move(payload));
  if (keeper_.online()) flush_backlog();
}

std::string Sensor::reading_payload() {
  char value[32];
  std::snprintf(value, sizeof value, "%.2f", value_);
  std::string payload = "{\"stream\":" + std::to_string(stream_) +
                        ",\"seq\":" + std::to_string(seq_) +
                        ",\"total\":" + std::to_string(total_) + ",\"value\":" + value;
  // Pad with a string field up to payload_bytes on the wire: the runtime's envelope is
  // counted in it (docs/devices.md), so a sensor configured at the broker's payload limit
  // stays within it. A payload_bytes below the bare reading's size leaves it unpadded.
  const std::string pad_open = ",\"pad\":\"";
  const std::string pad_close = "\"}";
  const std::int64_t room =
      payload_bytes_ - static_cast<std::int64_t>(keeper_.payload_overhead_bytes() + payload.size() +
                                                 pad_open.size() + pad_close.size());
  if (room >= 0) {
    payload += pad_open + std::string(static_cast<std::size_t>(room), 'x') + pad_close;
  } else {
    payload += "}";
  }
  return payload;
}

void Sensor::flush_backlog() {
  while (!backlog_.empty() && keeper_.online()) {
    keeper_.publish(topic_, backlog_.front(), qos_, false, publish_options_);
    backlog_.pop_front();
  }
}

// Settle phase: no new periodic traffic; connection upkeep and replies go on.
void Sensor::stop_workload() { reading_timer_.cancel(); }

}  // namespace mqttbed::devices
