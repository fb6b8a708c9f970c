// The registry: every kind is there, placed right, with sane parameter defaults.
#include "devices/registry.h"

#include <gtest/gtest.h>

#include "devices/naming.h"

namespace mqttbed::devices {
namespace {

double as_number(const scenario::ParamValue& value) {
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return static_cast<double>(*integer);
  if (const auto* number = std::get_if<double>(&value)) return *number;
  if (const auto* duration = std::get_if<scenario::Duration>(&value)) {
    return static_cast<double>(duration->count());
  }
  return 0;
}

TEST(Registry, HoldsEveryKindWithItsPlacement) {
  EXPECT_EQ(find_kind("gateway")->placement, Placement::home);
  EXPECT_EQ(find_kind("light")->placement, Placement::home);
  EXPECT_EQ(find_kind("sensor")->placement, Placement::home);
  EXPECT_EQ(find_kind("app")->placement, Placement::account);
  EXPECT_EQ(find_kind("shadow")->placement, Placement::cloud);
  EXPECT_EQ(find_kind("toaster"), nullptr);
}

TEST(Registry, EveryDefaultLiesWithinItsBounds) {
  for (const auto& [name, kind] : registry()) {
    EXPECT_FALSE(kind.summary.empty()) << name;
    EXPECT_TRUE(kind.create) << name;
    for (const scenario::ParamSpec& spec : kind.params) {
      if (spec.min > spec.max) continue;
      const double value = as_number(spec.default_value);
      EXPECT_GE(value, spec.min) << name << "." << spec.name;
      EXPECT_LE(value, spec.max) << name << "." << spec.name;
    }
  }
}

TEST(Registry, TheLoadersCatalogListsScenarioKindsButNotTheShadowService) {
  const scenario::KindCatalog catalog = kind_catalog();
  EXPECT_EQ(catalog.count("shadow"), 0u);
  EXPECT_EQ(catalog.at("light").placement, "home");
  EXPECT_EQ(catalog.at("app").placement, "account");
  EXPECT_EQ(catalog.at("sensor").params.size(), find_kind("sensor")->params.size());
}

TEST(Naming, SpellsClientIdsAsTheFleetExpects) {
  EXPECT_EQ(home_client_id(3, 3, "light", 0), "acct3-home3-light0");
  EXPECT_EQ(account_client_id(3, "app", 1), "acct3-app1");
  EXPECT_EQ(shadow_identity().client_id, "cloud-shadow");
  const DeviceIdentity light = home_identity(1, 2, "light", 4);
  EXPECT_EQ(light.account, "acct1");
  EXPECT_EQ(light.home_id, "home2");
  EXPECT_EQ(command_topic(light), "platform/acct1/home2/light4/cmd");
}

TEST(Naming, ParsesShadowTopics) {
  std::string thing;
  std::string suffix;
  ASSERT_TRUE(
      parse_shadow_topic("$aws/things/acct1-home1-light0/shadow/update/delta", &thing, &suffix));
  EXPECT_EQ(thing, "acct1-home1-light0");
  EXPECT_EQ(suffix, "update/delta");
  EXPECT_FALSE(parse_shadow_topic("platform/acct1/home1/light0/state", &thing, &suffix));
  EXPECT_FALSE(parse_shadow_topic("$aws/things/x/shadow/", &thing, &suffix));
}

}  // namespace
}  // namespace mqttbed::devices
