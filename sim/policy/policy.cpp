#include "sim/policy/policy.h"

#include "sim/policy/variables.h"

namespace mqttbed::policy {
namespace {

struct ActionName {
  const char* name;
  ActionSet actions;
};
const ActionName kActionNames[] = {
    {"iot:Connect", bit(Action::connect)},
    {"iot:Publish", bit(Action::publish)},
    {"iot:Subscribe", bit(Action::subscribe)},
    {"iot:Receive", bit(Action::receive)},
    {"iot:*", kAllActions},
};

struct TypePrefix {
  std::string_view prefix;
  ResourceType type;
};
const TypePrefix kTypePrefixes[] = {
    {"client/", ResourceType::client},
    {"topicfilter/", ResourceType::topicfilter},
    {"topic/", ResourceType::topic},
};

Statement statement(Effect effect, ActionSet actions, const std::vector<std::string>& resources) {
  Statement s;
  s.effect = effect;
  s.actions = actions;
  for (const std::string& r : resources) s.resources.push_back(parse_resource(r));
  s.where = "default policy";
  return s;
}

}  // namespace

const char* to_string(Action action) {
  switch (action) {
    case Action::connect:
      return "iot:Connect";
    case Action::publish:
      return "iot:Publish";
    case Action::subscribe:
      return "iot:Subscribe";
    case Action::receive:
      return "iot:Receive";
  }
  return "?";
}

ActionSet parse_action(std::string_view text) {
  for (const ActionName& a : kActionNames) {
    if (text == a.name) return a.actions;
  }
  throw PolicyError(0, "unknown action '" + std::string(text) +
                           "' (expected iot:Connect, iot:Publish, iot:Subscribe, iot:Receive "
                           "or iot:*)");
}

std::vector<std::string> action_names() {
  std::vector<std::string> names;
  for (const ActionName& a : kActionNames) names.push_back(a.name);
  return names;
}

Resource parse_resource(std::string_view text) {
  Resource resource;
  resource.text = std::string(text);
  if (text == "*") {
    resource.pieces.push_back({false, "*"});
    return resource;
  }
  std::size_t start = std::string_view::npos;
  for (const TypePrefix& p : kTypePrefixes) {
    if (text.substr(0, p.prefix.size()) == p.prefix) {
      resource.type = p.type;
      start = p.prefix.size();
      break;
    }
  }
  if (start == std::string_view::npos) {
    throw PolicyError(0, "resource '" + std::string(text) +
                             "' names no resource type (expected client/..., topic/..., "
                             "topicfilter/... or *)");
  }
  if (start == text.size()) throw PolicyError(start, "resource '" + resource.text + "' is empty");
  std::string literal;
  for (std::size_t i = start; i < text.size();) {
    if (text.substr(i, 2) != "${") {
      literal.push_back(text[i++]);
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      throw PolicyError(i, "unterminated '${' in resource '" + resource.text + "'");
    }
    const std::string name(text.substr(i + 2, close - i - 2));
    if (find_variable(name) == nullptr) {
      throw PolicyError(i,
                        "unknown variable '${" + name + "}' in resource '" + resource.text + "'");
    }
    if (!literal.empty()) resource.pieces.push_back({false, std::move(literal)});
    literal.clear();
    resource.pieces.push_back({true, name});
    i = close + 1;
  }
  if (!literal.empty()) resource.pieces.push_back({false, std::move(literal)});
  return resource;
}

ActionSet actions_of(ResourceType type) {
  switch (type) {
    case ResourceType::client:
      return bit(Action::connect);
    case ResourceType::topic:
      return bit(Action::publish) | bit(Action::receive);
    case ResourceType::topicfilter:
      return bit(Action::subscribe);
    case ResourceType::any:
      return kAllActions;
  }
  return 0;
}

Policy default_policy() {
  const ActionSet topic_actions = bit(Action::publish) | bit(Action::receive);
  PolicyDocument devices;
  devices.name = "account-namespace";
  // Every kind: the shadow service has no account, so these resolve to nothing for it.
  devices.attach = {std::string(kEveryKind)};
  // ${principal:aid} followed by '/' or '-' before any '*': a '*' right after the account
  // would also match acct1 for acct10's topics.
  devices.statements = {
      statement(Effect::allow, bit(Action::connect), {"client/${iot:Connection.Thing.ThingName}"}),
      statement(Effect::allow, topic_actions,
                {"topic/platform/${principal:aid}", "topic/platform/${principal:aid}/*",
                 "topic/$aws/things/${principal:aid}-?*/shadow",
                 "topic/$aws/things/${principal:aid}-?*/shadow/*"}),
      statement(Effect::allow, bit(Action::subscribe),
                {"topicfilter/platform/${principal:aid}", "topicfilter/platform/${principal:aid}/*",
                 "topicfilter/$aws/things/${principal:aid}-?*/shadow",
                 "topicfilter/$aws/things/${principal:aid}-?*/shadow/*"}),
  };
  PolicyDocument shadow;
  shadow.name = "shadow-service";
  shadow.attach = {"shadow"};
  shadow.statements = {
      statement(Effect::allow, bit(Action::connect), {"client/${iot:Connection.Thing.ThingName}"}),
      statement(Effect::allow, topic_actions, {"topic/$aws/things", "topic/$aws/things/*"}),
      statement(Effect::allow, bit(Action::subscribe),
                {"topicfilter/$aws/things", "topicfilter/$aws/things/*"}),
  };
  return Policy{{std::move(devices), std::move(shadow)}};
}

}  // namespace mqttbed::policy
