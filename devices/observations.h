// Hooks through which the runtime's owner watches what devices measure, so devices never
// know a report exists. Every hook is optional: an unset hook is simply not called.
#pragma once

#include <functional>
#include <string>

#include "sim/runtime/runtime.h"

namespace mqttbed::devices {

// An app's command (a desired-state update of one thing) and when it took effect: the first
// shadow document after it whose reported state matches what was desired, with no delta.
struct CommandRoundTrip {
  std::string app;    // the app's client id
  std::string thing;  // the light's client id
  runtime::TimePoint sent_at{0};
  runtime::Duration round_trip{0};
};

struct Observations {
  std::function<void(const CommandRoundTrip&)> on_command_round_trip;
  // A command that had not completed when the app sent the next one to the same thing: its
  // round-trip can no longer be told apart and is not measured.
  std::function<void(const std::string& app, const std::string& thing)> on_command_superseded;
};

}  // namespace mqttbed::devices
