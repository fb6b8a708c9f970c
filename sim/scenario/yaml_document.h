// Turns scenario text into exactly one YAML document, mapping every yaml-cpp failure (syntax,
// nesting too deep, several documents, oversized input) to a ScenarioError with a position.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

namespace mqttbed::scenario {

// Scenarios are hand-written; larger input is a mistake (or a fuzzer), and bounding it bounds
// the parser's work.
inline constexpr std::size_t kMaxScenarioBytes = 1 << 20;

// The single document in `text`; throws ScenarioError naming `file` otherwise.
YAML::Node parse_single_document(const std::string& text, const std::string& file);

}  // namespace mqttbed::scenario
