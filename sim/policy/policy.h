// Authorization policy as data, shaped like AWS IoT Core policies: documents of allow/deny
// statements over iot:Connect/Publish/Subscribe/Receive and resources client/..., topic/...,
// topicfilter/... with ${variables} from the principal. Deny wins; nothing allowed is denied.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mqttbed::policy {

enum class Action : unsigned { connect = 1, publish = 2, subscribe = 4, receive = 8 };
using ActionSet = unsigned;  // a union of Action bits
inline constexpr ActionSet kAllActions = 15;
inline ActionSet bit(Action action) { return static_cast<ActionSet>(action); }
const char* to_string(Action action);  // "iot:Connect"

enum class Effect { allow, deny };

// What a resource names: connect checks client/<client id>, publish and receive
// topic/<topic>, subscribe topicfilter/<filter> (the filter as written, '+' and '#' literal:
// only '*' and '?' are policy wildcards, as in AWS IoT). "*" alone names every resource.
enum class ResourceType { client, topic, topicfilter, any };

struct ResourcePiece {
  bool variable = false;
  std::string text;  // literal text, or the variable's name without ${}
};

struct Resource {
  ResourceType type = ResourceType::any;
  std::vector<ResourcePiece> pieces;  // after the "client/", "topic/", "topicfilter/" prefix
  std::string text;                   // as written
};

struct Statement {
  Effect effect = Effect::allow;
  ActionSet actions = 0;
  std::vector<Resource> resources;
  std::string where;  // "file:line:col" or a label, for explanations
};

// Statements attached to device kinds ("shadow" is the cloud shadow service; "*" is every
// kind).
struct PolicyDocument {
  std::string name;
  std::vector<std::string> attach;
  std::vector<Statement> statements;
};

struct Policy {
  std::vector<PolicyDocument> documents;
};

// Bad policy text: `offset` is the character in the text where the problem starts.
class PolicyError : public std::runtime_error {
 public:
  PolicyError(std::size_t offset, const std::string& message)
      : std::runtime_error(message), offset_(offset) {}
  std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_;
};

// "iot:Connect", "iot:Publish", "iot:Subscribe", "iot:Receive" or "iot:*".
ActionSet parse_action(std::string_view text);
std::vector<std::string> action_names();
// "client/...", "topic/...", "topicfilter/..." or "*"; every ${name} must be a known
// variable (variables.h). Throws PolicyError.
Resource parse_resource(std::string_view text);
// Which actions a resource type can apply to; a resource that fits none of its statement's
// actions never matches anything, which is a mistake worth refusing.
ActionSet actions_of(ResourceType type);

// The talk's namespaces: every device of an account may connect as the client id its
// identity names, and publish, subscribe and receive under platform/{aid} and on the shadow
// topics of its account's things, $aws/things/{aid}-*/shadow; the cloud shadow service
// reaches every $aws/things topic.
Policy default_policy();
inline constexpr std::string_view kEveryKind = "*";

}  // namespace mqttbed::policy
