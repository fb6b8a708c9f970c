#include "sim/scenario/fleet_layout.h"

#include <map>

#include "sim/scenario/fleet_names.h"

namespace mqttbed::scenario {

int account_count(const Fleet& fleet) {
  int per = fleet.homes_per_account > 0 ? fleet.homes_per_account : 1;
  return (fleet.homes + per - 1) / per;
}

int account_of_home(const Fleet& fleet, int home) {
  return home / (fleet.homes_per_account > 0 ? fleet.homes_per_account : 1);
}

std::vector<DeviceSlot> layout_fleet(const Fleet& fleet) {
  std::vector<DeviceSlot> slots;
  for (int home = 0; home < fleet.homes; ++home) {
    int account = account_of_home(fleet, home);
    std::map<std::string, int> next_index;
    for (const auto& group : fleet.per_home) {
      for (int i = 0; i < group.count; ++i) {
        int index = next_index[group.kind]++;
        slots.push_back({home_client_id(account, home, group.kind, index), group.kind, account,
                         home, index, &group});
      }
    }
  }
  for (int account = 0; account < account_count(fleet); ++account) {
    std::map<std::string, int> next_index;
    for (const auto& group : fleet.per_account) {
      for (int i = 0; i < group.count; ++i) {
        int index = next_index[group.kind]++;
        slots.push_back({account_client_id(account, group.kind, index), group.kind, account, -1,
                         index, &group});
      }
    }
  }
  return slots;
}

}  // namespace mqttbed::scenario
