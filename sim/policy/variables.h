// The policy language's variables: every name a resource may use inside ${...}, what it
// means, and which principals define it. The loader refuses any other name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mqttbed::policy {

struct VariableInfo {
  std::string name;  // without ${}
  std::string meaning;
  bool certificate = false;  // defined for certificate principals
  bool token = false;        // defined for token (JWT) principals
};

// The connection's client id (from CONNECT), the one variable not from the principal.
inline constexpr std::string_view kClientIdVariable = "iot:ClientId";
inline constexpr std::string_view kThingNameVariable = "iot:Connection.Thing.ThingName";

const std::vector<VariableInfo>& variables();
const VariableInfo* find_variable(std::string_view name);
std::vector<std::string> variable_names();

// Certificate subject attributes (${iot:Certificate.Subject.<name>}) and token claims
// (${jwt:<name>}), for sim/identity to fill a Principal with exactly these names.
inline constexpr std::string_view kCertificatePrefix = "iot:Certificate.Subject.";
inline constexpr std::string_view kClaimPrefix = "jwt:";

}  // namespace mqttbed::policy
