// Who is asking, as authentication established it: the values a policy's variables resolve
// to. Built by sim/identity from a verified certificate or token; the policy evaluator reads
// nothing else, so a broker plugin can link the evaluator without the simulation.
#pragma once

#include <map>
#include <string>

namespace mqttbed::policy {

struct Principal {
  enum class Source { certificate, token, service };
  Source source = Source::certificate;
  // The device kind whose statements apply ("gateway", "app", "shadow").
  std::string kind;
  // The client id the identity entitles its holder to: ${iot:Connection.Thing.ThingName}.
  std::string thing_name;
  // Variable values by name without "${}", e.g. "jwt:aid" -> "acct3",
  // "iot:Certificate.Subject.OrganizationalUnit" -> "acct3", "principal:aid" -> "acct3".
  std::map<std::string, std::string> values;
};

}  // namespace mqttbed::policy
