#include "sim/scenario/fleet_names.h"

namespace mqttbed::scenario {
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
  auto parts = parse_client_id(client_id);
  if (!parts || parts->account < 0 || parts->account >= account_count(fleet)) return std::nullopt;
  if (parts->home >= 0 &&
      (parts->home >= fleet.homes || account_of_home(fleet, parts->home) != parts->account))
    return std::nullopt;
  const auto& groups = parts->home >= 0 ? fleet.per_home : fleet.per_account;
  for (const auto& group : groups) {
    if (group.kind == parts->kind && parts->index < group.count)
      return ClientRef{parts->account, parts->home, parts->kind, parts->index};
  }
  return std::nullopt;
}

}  // namespace mqttbed::scenario
