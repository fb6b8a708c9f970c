#include "sim/scenario/fleet_names.h"

namespace mqttbed::scenario {
namespace {

// A canonical non-negative decimal (no sign, no leading zeros) at the front of `text`.
std::optional<int> take_index(std::string_view& text) {
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

// "{kind}{i}" matched against the groups of one section.
std::optional<ClientRef> match_device(const std::vector<DeviceGroup>& groups,
                                      std::string_view rest) {
  for (const auto& group : groups) {
    std::string_view tail = rest;
    if (!take_prefix(tail, group.kind)) continue;
    auto index = take_index(tail);
    if (index && tail.empty() && *index < group.count) {
      ClientRef ref;
      ref.kind = group.kind;
      ref.index = *index;
      return ref;
    }
  }
  return std::nullopt;
}

std::optional<ClientRef> match_home_device(const Fleet& fleet, int account, std::string_view rest) {
  if (!take_prefix(rest, "home")) return std::nullopt;
  auto home = take_index(rest);
  if (!home || *home >= fleet.homes || account_of_home(fleet, *home) != account) {
    return std::nullopt;
  }
  if (!take_prefix(rest, "-")) return std::nullopt;
  auto ref = match_device(fleet.per_home, rest);
  if (ref) {
    ref->account = account;
    ref->home = *home;
  }
  return ref;
}

}  // namespace

std::string home_client_id(int account, int home, std::string_view kind, int index) {
  return "acct" + std::to_string(account) + "-home" + std::to_string(home) + "-" +
         std::string(kind) + std::to_string(index);
}

std::string account_client_id(int account, std::string_view kind, int index) {
  return "acct" + std::to_string(account) + "-" + std::string(kind) + std::to_string(index);
}

std::int64_t device_count(const Fleet& fleet) {
  std::int64_t per_home = 0;
  for (const auto& group : fleet.per_home) per_home += group.count;
  std::int64_t per_account = 0;
  for (const auto& group : fleet.per_account) per_account += group.count;
  return per_home * fleet.homes + per_account * account_count(fleet);
}

std::int64_t device_count(const Fleet& fleet, std::string_view kind) {
  std::int64_t total = 0;
  for (const auto& group : fleet.per_home) {
    if (group.kind == kind) total += std::int64_t{group.count} * fleet.homes;
  }
  for (const auto& group : fleet.per_account) {
    if (group.kind == kind) total += std::int64_t{group.count} * account_count(fleet);
  }
  return total;
}

std::optional<ClientRef> find_client(const Fleet& fleet, std::string_view client_id) {
  std::string_view rest = client_id;
  if (!take_prefix(rest, "acct")) return std::nullopt;
  auto account = take_index(rest);
  if (!account || *account >= account_count(fleet) || !take_prefix(rest, "-")) {
    return std::nullopt;
  }
  // A per-account kind could itself start with "home": try both readings.
  if (auto ref = match_home_device(fleet, *account, rest)) return ref;
  auto ref = match_device(fleet.per_account, rest);
  if (ref) ref->account = *account;
  return ref;
}

}  // namespace mqttbed::scenario
