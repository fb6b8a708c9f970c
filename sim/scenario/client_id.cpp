#include "sim/scenario/client_id.h"

namespace mqttbed::scenario {
namespace {

// A canonical non-negative decimal (no sign, no leading zeros) at the front of `text`.
std::optional<int> take_number(std::string_view& text) {
  std::size_t end = 0;
  while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
  if (end == 0 || end > 9 || (end > 1 && text[0] == '0')) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < end; ++i) value = value * 10 + (text[i] - '0');
  text.remove_prefix(end);
  return value;
}

bool take_prefix(std::string_view& text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) != prefix) return false;
  text.remove_prefix(prefix.size());
  return true;
}

// "{kind}{i}": lower-case letters, then the index, and nothing after.
bool take_device(std::string_view text, ClientIdParts& parts) {
  std::size_t letters = 0;
  while (letters < text.size() && text[letters] >= 'a' && text[letters] <= 'z') ++letters;
  if (letters == 0) return false;
  parts.kind = std::string(text.substr(0, letters));
  text.remove_prefix(letters);
  auto index = take_number(text);
  if (!index || !text.empty()) return false;
  parts.index = *index;
  return true;
}

}  // namespace

std::string account_name(int account) { return "acct" + std::to_string(account); }
std::string home_name(int home) { return "home" + std::to_string(home); }

std::string home_client_id(int account, int home, std::string_view kind, int index) {
  return account_name(account) + "-" + home_name(home) + "-" + std::string(kind) +
         std::to_string(index);
}

std::string account_client_id(int account, std::string_view kind, int index) {
  return account_name(account) + "-" + std::string(kind) + std::to_string(index);
}

std::optional<ClientIdParts> parse_client_id(std::string_view client_id) {
  ClientIdParts parts;
  std::string_view rest = client_id;
  // A sharded run's shadow services are "cloud-shadow-I" (sim/fleet/shard.h).
  if (take_prefix(rest, kShadowClientId) &&
      (rest.empty() || (take_prefix(rest, "-") && take_number(rest) && rest.empty()))) {
    parts.kind = std::string(kShadowKind);
    return parts;
  }
  rest = client_id;
  if (!take_prefix(rest, "acct")) return std::nullopt;
  auto account = take_number(rest);
  if (!account || !take_prefix(rest, "-")) return std::nullopt;
  parts.account = *account;
  // "acct1-home5" is the per-account kind "home" (no dash after the number).
  std::string_view home_part = rest;
  if (take_prefix(home_part, "home")) {
    if (auto home = take_number(home_part); home && take_prefix(home_part, "-")) {
      parts.home = *home;
      return take_device(home_part, parts) ? std::optional(parts) : std::nullopt;
    }
  }
  return take_device(rest, parts) ? std::optional(parts) : std::nullopt;
}

}  // namespace mqttbed::scenario
