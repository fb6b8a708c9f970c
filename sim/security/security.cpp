// The account namespace policy, level by level over the topic or filter.
#include "sim/security/security.h"

#include <cctype>
#include <vector>

#include "sim/scenario/client_id.h"

namespace mqttbed::security {
namespace {

std::vector<std::string_view> split_levels(std::string_view topic) {
  std::vector<std::string_view> levels;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = topic.find('/', start);
    if (slash == std::string_view::npos) {
      levels.push_back(topic.substr(start));
      return levels;
    }
    levels.push_back(topic.substr(start, slash - start));
    start = slash + 1;
  }
}

bool has_wildcard(std::string_view level) {
  return level.find_first_of("+#") != std::string_view::npos;
}

// platform/{account}[/...]: the account level must be the client's own, spelled out.
bool allowed_in_platform(const std::vector<std::string_view>& levels, const std::string& account) {
  return levels.size() >= 2 && levels[0] == "platform" && levels[1] == account;
}

// $aws/things/{account}-{rest}/shadow[/...]: the thing must belong to the account. A '+' or
// '#' in the thing level could reach another account's things, so it is refused.
bool allowed_in_shadow(const std::vector<std::string_view>& levels, const std::string& account) {
  if (levels.size() < 4 || levels[0] != "$aws" || levels[1] != "things" || levels[3] != "shadow") {
    return false;
  }
  const std::string_view thing = levels[2];
  const std::string prefix = account + "-";
  return thing.size() > prefix.size() && thing.substr(0, prefix.size()) == prefix &&
         !has_wildcard(thing);
}

}  // namespace

std::string account_of(const std::string& client_id) {
  auto parts = scenario::parse_client_id(client_id);
  return parts && parts->account >= 0 ? scenario::account_name(parts->account) : "";
}

bool is_allowed(const std::string& client_id, std::string_view topic_or_filter, bool write) {
  (void)write;  // one rule for both directions, as the seed's authorizer namespaces both
  if (topic_or_filter.empty()) return false;
  const std::vector<std::string_view> levels = split_levels(topic_or_filter);
  if (client_id == kShadowClientId) {
    return levels.size() >= 2 && levels[0] == "$aws" && levels[1] == "things";
  }
  const std::string account = account_of(client_id);
  if (account.empty()) return false;
  return allowed_in_platform(levels, account) || allowed_in_shadow(levels, account);
}

}  // namespace mqttbed::security
