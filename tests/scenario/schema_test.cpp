// scenarios/scenario.schema.json and the loader cannot drift: every key written in the
// shipped scenarios and in the every-key test files must be a property the schema declares.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>

#include "sim/scenario/loader.h"
#include "tests/scenario/test_catalog.h"

namespace mqttbed::scenario {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kSource = MQTTBED_SOURCE_DIR;

json read_schema() {
  std::ifstream in(kSource / "scenarios/scenario.schema.json");
  return json::parse(in);
}

// Walks a YAML document beside the schema: at every mapping each key must be declared by
// `properties` of a reachable sub-schema ($ref, allOf/anyOf/oneOf, then/else) or be
// covered by an `additionalProperties` schema; sequences follow `items`.
class SchemaWalker {
 public:
  explicit SchemaWalker(json schema) : root_(std::move(schema)) {}

  std::vector<std::string> undeclared_keys(const YAML::Node& node) {
    missing_.clear();
    walk(node, {&root_}, "");
    return missing_;
  }

 private:
  const json* resolve(const json* schema) const {
    while (schema->is_object() && schema->contains("$ref")) {
      std::string ref = (*schema)["$ref"];
      const std::string prefix = "#/$defs/";
      EXPECT_EQ(ref.rfind(prefix, 0), 0u) << "unsupported $ref " << ref;
      schema = &root_["$defs"][ref.substr(prefix.size())];
    }
    return schema;
  }

  // Every sub-schema that applies to the same instance.
  void gather(const json* schema, std::vector<const json*>& out) const {
    schema = resolve(schema);
    if (!schema->is_object()) return;
    out.push_back(schema);
    for (const char* list : {"allOf", "anyOf", "oneOf"}) {
      if (schema->contains(list)) {
        for (const auto& branch : (*schema)[list]) gather(&branch, out);
      }
    }
    for (const char* branch : {"then", "else"}) {
      if (schema->contains(branch)) gather(&(*schema)[branch], out);
    }
  }

  void walk(const YAML::Node& node, std::vector<const json*> schemas, const std::string& path) {
    std::vector<const json*> all;
    for (const json* schema : schemas) gather(schema, all);
    if (node.IsMap()) {
      for (auto it = node.begin(); it != node.end(); ++it) {
        std::string key = it->first.Scalar();
        std::string child = path.empty() ? key : path + "." + key;
        std::vector<const json*> next;
        for (const json* schema : all) {
          if (schema->contains("properties") && (*schema)["properties"].contains(key)) {
            next.push_back(&(*schema)["properties"][key]);
          }
        }
        if (next.empty()) {
          for (const json* schema : all) {
            if (schema->contains("additionalProperties") &&
                (*schema)["additionalProperties"].is_object()) {
              next.push_back(&(*schema)["additionalProperties"]);
            }
          }
        }
        if (next.empty()) {
          missing_.push_back(child);
        } else {
          walk(it->second, next, child);
        }
      }
    } else if (node.IsSequence()) {
      std::vector<const json*> items;
      for (const json* schema : all) {
        if (schema->contains("items")) items.push_back(&(*schema)["items"]);
      }
      for (std::size_t i = 0; i < node.size(); ++i) {
        if (items.empty()) {
          missing_.push_back(path + "[]");
        } else {
          walk(node[i], items, path + "[" + std::to_string(i) + "]");
        }
      }
    }
  }

  json root_;
  std::vector<std::string> missing_;
};

std::vector<fs::path> checked_files() {
  std::vector<fs::path> files;
  for (const auto& dir : {kSource / "scenarios", kSource / "tests/scenario/data"}) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() == ".yaml") files.push_back(entry.path());
    }
  }
  return files;
}

TEST(ScenarioSchema, IsDraft2020_12AndRequiresTheLoadersRequiredKeys) {
  json schema = read_schema();
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(schema["required"], json({"name", "duration", "fleet"}));
  EXPECT_EQ(schema["additionalProperties"], false);
}

TEST(ScenarioSchema, DeclaresEveryKeyOfEveryScenarioFile) {
  SchemaWalker walker(read_schema());
  auto files = checked_files();
  EXPECT_GE(files.size(), 7u);
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    YAML::Node document = YAML::LoadFile(file.string());
    EXPECT_EQ(walker.undeclared_keys(document), std::vector<std::string>{});
  }
}

TEST(ScenarioSchema, WalkerReportsAKeyTheSchemaLacks) {
  // Guards the guard: a walker that accepted everything would make the test above useless.
  SchemaWalker walker(read_schema());
  YAML::Node document = YAML::Load(
      "name: t\nmqtt: {keepalive: 30s, nagle: true}\nfleet: {per_home: [{kind: x, colour: red}]}\n"
      "faults: [{kind: partition, when: 1m}]\n");
  EXPECT_EQ(walker.undeclared_keys(document),
            (std::vector<std::string>{"mqtt.nagle", "fleet.per_home[0].colour", "faults[0].when"}));
}

TEST(ScenarioSchema, EveryKeyFilesLoad) {
  for (const char* name : {"every-key.yaml", "every-dist.yaml"}) {
    SCOPED_TRACE(name);
    load_scenario_file((kSource / "tests/scenario/data" / name).string(), testing::test_catalog());
  }
}

TEST(ScenarioSchema, EveryScenarioFileDeclaresTheSchemaForEditors) {
  for (const auto& entry : fs::directory_iterator(kSource / "scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    std::ifstream in(entry.path());
    std::string first_line;
    std::getline(in, first_line);
    EXPECT_EQ(first_line, "# yaml-language-server: $schema=./scenario.schema.json") << entry.path();
  }
}

// Every property the schema declares has its row in docs/scenario.md (written as `key`).
void collect_properties(const json& schema, std::set<std::string>& out) {
  if (schema.is_object()) {
    if (schema.contains("properties")) {
      for (const auto& [name, sub] : schema["properties"].items()) out.insert(name);
    }
    for (const auto& [name, sub] : schema.items()) collect_properties(sub, out);
  } else if (schema.is_array()) {
    for (const auto& sub : schema) collect_properties(sub, out);
  }
}

TEST(ScenarioDocs, DocumentEveryKeyTheSchemaDeclares) {
  std::ifstream in(kSource / "docs/scenario.md");
  std::string docs((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::set<std::string> properties;
  collect_properties(read_schema(), properties);
  EXPECT_GE(properties.size(), 50u);
  for (const auto& name : properties) {
    bool documented = docs.find("`" + name + "`") != std::string::npos ||
                      docs.find("." + name + "`") != std::string::npos ||
                      docs.find("`" + name + ".") != std::string::npos;
    EXPECT_TRUE(documented) << "docs/scenario.md does not document `" << name << "`";
  }
}

// The schema's list of check names is documentation of the check catalog, which is the
// source; editors that validate against the schema must accept exactly what the loader does.
TEST(ScenarioSchema, CheckNamesAreTheCheckCatalogs) {
  json names = read_schema()["properties"]["checks"]["items"]["enum"];
  EXPECT_EQ(names.get<std::vector<std::string>>(), check::scenario_check_names());
}

TEST(ScenarioDocs, CompleteExampleLoads) {
  // "Examples are tests": the reference's complete example must stay a valid scenario.
  std::ifstream in(kSource / "docs/scenario.md");
  std::string docs((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto section = docs.find("## A complete example");
  ASSERT_NE(section, std::string::npos);
  auto begin = docs.find("```yaml\n", section);
  ASSERT_NE(begin, std::string::npos);
  begin += 8;
  auto end = docs.find("```", begin);
  Scenario s = load_scenario_text(docs.substr(begin, end - begin), "docs/scenario.md",
                                  testing::test_catalog());
  EXPECT_EQ(s.name, "smart-home");
  EXPECT_EQ(s.faults.size(), 6u);
}

}  // namespace
}  // namespace mqttbed::scenario
