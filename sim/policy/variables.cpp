#include "sim/policy/variables.h"

namespace mqttbed::policy {

const std::vector<VariableInfo>& variables() {
  static const std::vector<VariableInfo> all = {
      {"iot:ClientId", "the client id in the CONNECT", true, true},
      {"iot:Connection.Thing.ThingName",
       "the client id the identity entitles to: {OU}-{CN} of a certificate, {aid}-{sub} of a token",
       true, true},
      {"iot:Certificate.Subject.Organization", "partner id (O)", true, false},
      {"iot:Certificate.Subject.OrganizationalUnit", "account id (OU)", true, false},
      {"iot:Certificate.Subject.CommonName", "the device within its account (CN)", true, false},
      {"iot:Certificate.Subject.SerialNumber", "installation UUID (serialNumber)", true, false},
      {"iot:Certificate.Subject.UID", "MAC address (UID)", true, false},
      {"jwt:pid", "partner id claim", false, true},
      {"jwt:aid", "account id claim", false, true},
      {"jwt:jti", "token id claim (new on every refresh)", false, true},
      {"jwt:sub", "app installation claim", false, true},
      {"principal:pid", "partner id, from the certificate's O or the token's pid", true, true},
      {"principal:aid", "account id, from the certificate's OU or the token's aid", true, true},
  };
  return all;
}

const VariableInfo* find_variable(std::string_view name) {
  for (const VariableInfo& v : variables()) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

std::vector<std::string> variable_names() {
  std::vector<std::string> names;
  for (const VariableInfo& v : variables()) names.push_back(v.name);
  return names;
}

}  // namespace mqttbed::policy
