// The cloud device-shadow service (kind "shadow", client id "cloud-shadow"): AWS IoT Device
// Shadow semantics over MQTT. Its documents are its database: they survive reconnects,
// broker crashes and even its own reboot; only the connection is lost.
#pragma once

#include <cstdint>

#include "devices/connection_keeper.h"
#include "devices/device.h"
#include "devices/shadow_document.h"

namespace mqttbed::devices {

class ShadowService : public Device {
 public:
  explicit ShadowService(DeviceContext context);

  void start() override;
  void reboot() override;
  void disconnect_gracefully() override;
  void resume() override;

  const ShadowStore& store() const { return store_; }

 private:
  void handle(const runtime::ReceivedMessage& message);
  // `base`: "$aws/things/{thing}/shadow/" or ".../shadow/name/{name}/".
  void publish_reply(const std::string& base, const std::string& operation,
                     const ShadowReply& reply);

  DeviceContext context_;
  bool reuse_version_;
  ConnectionKeeper keeper_;
  ShadowStore store_;
  std::uint64_t accepted_updates_ = 0;
};

}  // namespace mqttbed::devices
