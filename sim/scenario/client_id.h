// The client-id grammar, in one place: how the fleet names its clients and how a name is
// taken apart again (by the loader's targets, the authorizer, the checkers and the metrics).
//   acct{A}-home{H}-{kind}{i}   a home device (homes numbered across the fleet)
//   acct{A}-{kind}{i}           a per-account device (an app)
//   cloud-shadow                the cloud shadow service (kind "shadow")
// Numbers are canonical decimals (no sign, no leading zeros), at most 9 digits.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mqttbed::scenario {

inline constexpr std::string_view kShadowClientId = "cloud-shadow";
inline constexpr std::string_view kShadowKind = "shadow";

std::string account_name(int account);  // "acct3"
std::string home_name(int home);        // "home3"
std::string home_client_id(int account, int home, std::string_view kind, int index);
std::string account_client_id(int account, std::string_view kind, int index);

// A client id taken apart; home is -1 for per-account clients, account -1 for the shadow
// service.
struct ClientIdParts {
  int account = -1;
  int home = -1;
  std::string kind;
  int index = -1;
};
// nullopt when `client_id` is not in the grammar (e.g. a foreign tool's client).
std::optional<ClientIdParts> parse_client_id(std::string_view client_id);

}  // namespace mqttbed::scenario
