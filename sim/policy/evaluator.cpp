#include "sim/policy/evaluator.h"

#include <algorithm>

#include "sim/policy/variables.h"

namespace mqttbed::policy {
namespace {

// Appends `text`, escaping what wildcard_match would read as a wildcard when `literal`: a
// client id or claim "*" must match only "*", never every account.
void append(std::string& pattern, std::string_view text, bool literal) {
  for (char c : text) {
    if (c == '\\' || (literal && (c == '*' || c == '?'))) pattern.push_back('\\');
    pattern.push_back(c);
  }
}

// The resource with variables substituted; nullopt when the principal lacks one of them.
std::optional<std::string> resolve(const Resource& resource, const Principal& principal,
                                   std::string_view client_id) {
  std::string out;
  for (const ResourcePiece& piece : resource.pieces) {
    if (!piece.variable) {
      append(out, piece.text, /*literal=*/false);
    } else if (piece.text == kClientIdVariable) {
      append(out, client_id, true);
    } else if (piece.text == kThingNameVariable) {
      if (principal.thing_name.empty()) return std::nullopt;
      append(out, principal.thing_name, true);
    } else {
      auto value = principal.values.find(piece.text);
      if (value == principal.values.end() || value->second.empty()) return std::nullopt;
      append(out, value->second, true);
    }
  }
  return out;
}

ResourceType type_of(Action action) {
  switch (action) {
    case Action::connect:
      return ResourceType::client;
    case Action::publish:
    case Action::receive:
      return ResourceType::topic;
    case Action::subscribe:
      return ResourceType::topicfilter;
  }
  return ResourceType::any;
}

}  // namespace

bool wildcard_match(std::string_view pattern, std::string_view text) {
  // Greedy with one backtrack point: linear for the patterns policies use.
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p + 1 < pattern.size() && pattern[p] == '\\') {
      if (pattern[p + 1] == text[t]) {
        p += 2;
        ++t;
        continue;
      }
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
      continue;
    }
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

CompiledPolicy::CompiledPolicy(const Policy& policy, const Principal& principal,
                               std::string_view client_id) {
  for (const PolicyDocument& document : policy.documents) {
    const bool attached = std::any_of(
        document.attach.begin(), document.attach.end(),
        [&](const std::string& kind) { return kind == principal.kind || kind == kEveryKind; });
    if (!attached) continue;
    for (const Statement& statement : document.statements) {
      for (const Resource& resource : statement.resources) {
        auto pattern = resolve(resource, principal, client_id);
        if (!pattern) continue;
        // The type is kept in the pattern's actions: a topic/ resource never answers a
        // subscribe, a client/ resource never a publish.
        rules_.push_back({statement.effect, statement.actions & actions_of(resource.type),
                          std::move(*pattern), &statement});
      }
    }
  }
}

Decision CompiledPolicy::decide(Action action, std::string_view name) const {
  const Rule* allow = nullptr;
  for (const Rule& rule : rules_) {
    if ((rule.actions & bit(action)) == 0 || !wildcard_match(rule.pattern, name)) continue;
    if (rule.effect == Effect::deny) {
      return {false, "denied by " + rule.statement->where + ": " + rule.pattern};
    }
    if (allow == nullptr) allow = &rule;
  }
  if (allow != nullptr)
    return {true, "allowed by " + allow->statement->where + ": " + allow->pattern};
  return {false, std::string("no statement allows ") + to_string(action) + " on " +
                     (type_of(action) == ResourceType::client ? "client/" : "") +
                     std::string(name)};
}

bool CompiledPolicy::allows(Action action, std::string_view name) const {
  bool allowed = false;
  for (const Rule& rule : rules_) {
    if ((rule.actions & bit(action)) == 0 || !wildcard_match(rule.pattern, name)) continue;
    if (rule.effect == Effect::deny) return false;  // deny wins over every allow
    allowed = true;
  }
  return allowed;
}

bool CompiledPolicy::grants_anything() const {
  return std::any_of(rules_.begin(), rules_.end(), [](const Rule& rule) {
    return rule.effect == Effect::allow && rule.actions != 0;
  });
}

PolicyEvaluator::PolicyEvaluator(std::shared_ptr<const Policy> policy, PrincipalLookup lookup)
    : policy_(std::move(policy)), lookup_(std::move(lookup)) {}

const CompiledPolicy* PolicyEvaluator::compiled(const std::string& client_id) {
  auto it = cache_.find(client_id);
  if (it == cache_.end()) {
    std::unique_ptr<CompiledPolicy> entry;
    if (auto principal = lookup_(client_id)) {
      entry = std::make_unique<CompiledPolicy>(*policy_, *principal, client_id);
    }
    it = cache_.emplace(client_id, std::move(entry)).first;
  }
  return it->second.get();
}

bool PolicyEvaluator::allows(const std::string& client_id, Action action, std::string_view name) {
  const CompiledPolicy* p = compiled(client_id);
  return p != nullptr && p->allows(action, name);
}

Decision PolicyEvaluator::decide(const std::string& client_id, Action action,
                                 std::string_view name) {
  const CompiledPolicy* p = compiled(client_id);
  if (p == nullptr) return {false, "no principal holds client id " + client_id};
  return p->decide(action, name);
}

}  // namespace mqttbed::policy
