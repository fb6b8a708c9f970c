// The one policy evaluator: the broker model's authorizer, the checkers and (later) a broker
// plugin all ask it, so they cannot disagree. A principal's statements are compiled once
// (variables substituted) and cached by client id.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/policy/policy.h"
#include "sim/policy/principal.h"

namespace mqttbed::policy {

// An answer and why: the statement that decided it, or that none allowed it.
struct Decision {
  bool allowed = false;
  std::string reason;  // "allowed by <where>: topic/platform/acct3/*", "no statement allows"
};

// One principal's view of the policy, variables resolved. A statement whose variable the
// principal lacks (a ${jwt:...} for a certificate) does not apply to it, as in AWS IoT.
class CompiledPolicy {
 public:
  CompiledPolicy(const Policy& policy, const Principal& principal, std::string_view client_id);
  // `name` is the client id (connect), topic (publish, receive) or filter (subscribe).
  bool allows(Action action, std::string_view name) const;
  Decision decide(Action action, std::string_view name) const;
  // True when some statement allows something: a principal granted nothing is a mistake.
  bool grants_anything() const;

 private:
  struct Rule {
    Effect effect;
    ActionSet actions;
    std::string pattern;  // '*' any run, '?' one character
    const Statement* statement;
  };
  std::vector<Rule> rules_;
};

// AWS IoT policy wildcards: '*' matches any run of characters ('/' included), '?' one;
// '\\x' matches x literally (how substituted variable values are kept literal).
bool wildcard_match(std::string_view pattern, std::string_view text);

// Who holds a client id (nullopt: nobody the scenario knows, so nothing is allowed).
using PrincipalLookup = std::function<std::optional<Principal>(const std::string& client_id)>;

// Compiled policies cached by client id. Not thread-safe: each thread keeps its own.
class PolicyEvaluator {
 public:
  PolicyEvaluator(std::shared_ptr<const Policy> policy, PrincipalLookup lookup);
  bool allows(const std::string& client_id, Action action, std::string_view name);
  Decision decide(const std::string& client_id, Action action, std::string_view name);
  const Policy& policy() const { return *policy_; }

 private:
  const CompiledPolicy* compiled(const std::string& client_id);

  std::shared_ptr<const Policy> policy_;
  PrincipalLookup lookup_;
  std::unordered_map<std::string, std::unique_ptr<CompiledPolicy>> cache_;
};

}  // namespace mqttbed::policy
