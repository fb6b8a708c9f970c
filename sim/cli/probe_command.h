// `mqttbed probe --broker URL`: runs the conformance probes (sim/probe) and prints, per
// probe, the statement, the outcome and what the broker did.
#pragma once

#include "sim/cli/options.h"

namespace mqttbed::cli {

// Exit code: kPassed when no probe found a violation, kViolated when one did,
// kRuntimeError when the broker does not accept connections, kBadInput for a bad URL/name.
int probe_command(const Options& options);

}  // namespace mqttbed::cli
