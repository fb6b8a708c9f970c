// Random streams are keyed by stable names (faults by name or content, devices by client id),
// never by position: adding a fault or a device leaves every other stream's draws unchanged.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "sim/faults/fault_plan.h"
#include "sim/run/catalog.h"
#include "sim/runtime/runtime.h"
#include "sim/scenario/fleet_layout.h"
#include "sim/scenario/loader.h"

namespace mqttbed::testing {
namespace {

std::string yaml(const std::string& per_home, int homes, const std::string& faults) {
  return R"(name: streams
seed: 11
duration: 1h
fleet:
  homes: )" +
         std::to_string(homes) +
         R"(
  per_home:
)" + per_home +
         R"(
  per_account:
    - {kind: app, count: 1}
faults:
)" + faults;
}

const std::string kTwoKinds = R"(    - {kind: gateway, count: 1}
    - {kind: sensor, count: 2})";
// One more sensor per home, and a light kind before the sensors.
const std::string kMoreDevices = R"(    - {kind: gateway, count: 1}
    - {kind: light, count: 1}
    - {kind: sensor, count: 3})";

const std::string kFaults = R"(  - {kind: disconnect, target: kind=sensor, mtbf: 10m, mttr: 30s}
  - {kind: partition, target: "homes[0:2]", mtbf: 20m, mttr: 1m}
  - {kind: broker_crash, mtbf: 30m, mttr: 10s}
)";

scenario::Scenario load(const std::string& text) {
  return run::load_scenario_text(text, "streams.yaml");
}

// Every window of the plan, by its fault's kind and unit: "disconnect kind=sensor (acct0-...)".
std::map<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>> windows_by_unit(
    const scenario::Scenario& scenario) {
  const auto fleet = scenario::layout_fleet(scenario.fleet);
  std::map<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>> by_unit;
  for (const auto& w : faults::plan_faults(scenario, fleet)) {
    by_unit[std::string(scenario::to_string(w.kind)) + " " + w.target_text].push_back(
        {w.start.count(), w.end.count()});
  }
  return by_unit;
}

// Each unit of `before` has the same windows in `after` (which may have more units).
void expect_same_windows_for_every_unit(const scenario::Scenario& before,
                                        const scenario::Scenario& after) {
  const auto old_windows = windows_by_unit(before);
  const auto new_windows = windows_by_unit(after);
  ASSERT_FALSE(old_windows.empty());
  for (const auto& [unit, windows] : old_windows) {
    auto it = new_windows.find(unit);
    ASSERT_NE(it, new_windows.end()) << unit;
    EXPECT_EQ(it->second, windows) << unit;
  }
}

TEST(RandomStreams, InsertingAFaultLeavesEveryOtherFaultsWindowsUnchanged) {
  const auto before = load(yaml(kTwoKinds, 3, kFaults));
  const auto after = load(yaml(
      kTwoKinds, 3, "  - {kind: device_reboot, target: all, mtbf: 15m, mttr: 5s}\n" + kFaults));
  expect_same_windows_for_every_unit(before, after);
  EXPECT_GT(windows_by_unit(after).size(), windows_by_unit(before).size());
}

TEST(RandomStreams, ReorderingFaultsLeavesTheirWindowsUnchanged) {
  const auto before = load(yaml(kTwoKinds, 3, kFaults));
  const auto after = load(yaml(kTwoKinds, 3, R"(  - {kind: broker_crash, mtbf: 30m, mttr: 10s}
  - {kind: partition, target: "homes[0:2]", mtbf: 20m, mttr: 1m}
  - {kind: disconnect, target: kind=sensor, mtbf: 10m, mttr: 30s}
)"));
  EXPECT_EQ(windows_by_unit(after), windows_by_unit(before));
}

TEST(RandomStreams, AddingDevicesLeavesEveryOtherUnitsFaultWindowsUnchanged) {
  const auto before = load(yaml(kTwoKinds, 3, kFaults));
  const auto after = load(yaml(kMoreDevices, 4, kFaults));
  expect_same_windows_for_every_unit(before, after);
}

// A device's RNG is derived from the seed and its client id: adding devices (another of the
// kind, another kind, another home) keeps every existing device's id, hence its draws.
TEST(RandomStreams, AddingDevicesLeavesEveryOtherDevicesDrawsUnchanged) {
  const auto before = load(yaml(kTwoKinds, 3, "  []"));
  const auto after = load(yaml(kMoreDevices, 4, "  []"));
  std::map<std::string, std::vector<std::uint64_t>> draws_after;
  for (const auto& slot : scenario::layout_fleet(after.fleet)) {
    auto rng = runtime::derive_rng(after.seed, slot.client_id);
    draws_after[slot.client_id] = {rng(), rng(), rng()};
  }
  const auto slots = scenario::layout_fleet(before.fleet);
  ASSERT_FALSE(slots.empty());
  EXPECT_GT(draws_after.size(), slots.size());
  for (const auto& slot : slots) {
    auto rng = runtime::derive_rng(before.seed, slot.client_id);
    const std::vector<std::uint64_t> draws = {rng(), rng(), rng()};
    auto it = draws_after.find(slot.client_id);
    ASSERT_NE(it, draws_after.end()) << slot.client_id << " was renamed";
    EXPECT_EQ(it->second, draws) << slot.client_id;
  }
}

TEST(RandomStreams, IdenticalFaultsGetDistinctStreams) {
  const auto scenario =
      load(yaml(kTwoKinds, 1, R"(  - {kind: disconnect, target: all, mtbf: 10m, mttr: 30s}
  - {kind: disconnect, target: all, mtbf: 10m, mttr: 30s}
)"));
  const auto keys = faults::fault_stream_keys(scenario.faults);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_NE(keys[0], keys[1]);
}

TEST(RandomStreams, ContentKeyIgnoresHowDurationsAreSpelled) {
  const auto a =
      load(yaml(kTwoKinds, 1, "  - {kind: disconnect, target: all, mtbf: 10m, mttr: 30s}"));
  const auto b =
      load(yaml(kTwoKinds, 1, "  - {kind: disconnect, target: all, mtbf: 600s, mttr: 30000ms}"));
  EXPECT_EQ(faults::fault_stream_keys(a.faults), faults::fault_stream_keys(b.faults));
}

TEST(RandomStreams, ANamedFaultKeepsItsStreamWhenItsContentChanges) {
  const auto a = load(
      yaml(kTwoKinds, 1, "  - {name: flaky, kind: disconnect, target: all, mtbf: 10m, mttr: 30s}"));
  const auto b = load(
      yaml(kTwoKinds, 1, "  - {name: flaky, kind: disconnect, target: all, mtbf: 10m, mttr: 45s}"));
  EXPECT_EQ(faults::fault_stream_keys(a.faults), (std::vector<std::string>{"name/flaky"}));
  EXPECT_EQ(faults::fault_stream_keys(a.faults), faults::fault_stream_keys(b.faults));
}

TEST(RandomStreams, DuplicateFaultNamesAreALoadErrorAtTheSecondName) {
  const std::string text =
      yaml(kTwoKinds, 1, R"(  - {name: flaky, kind: disconnect, target: all, mtbf: 10m, mttr: 30s}
  - {name: flaky, kind: partition, target: all, mtbf: 10m, mttr: 30s}
)");
  try {
    load(text);
    FAIL() << "expected a duplicate-name error";
  } catch (const scenario::ScenarioError& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find("streams.yaml:13:12"), std::string::npos) << what;
    EXPECT_NE(what.find("first on line 12:12"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace mqttbed::testing
