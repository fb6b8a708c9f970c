// Readers of the security sections: identity: (how clients authenticate) and policy: (what
// they may do), with every policy mistake found here rather than as a silent denial later.
#include <algorithm>

#include "sim/policy/evaluator.h"
#include "sim/policy/variables.h"
#include "sim/scenario/client_id.h"
#include "sim/scenario/principal_scheme.h"
#include "sim/scenario/readers.h"
#include "sim/scenario/units.h"

namespace mqttbed::scenario {
namespace {

using policy::Principal;

// A string or a list of strings, as AWS policies write Action and Resource.
std::vector<Field> one_or_many(const Field& field) {
  if (field.is_sequence()) {
    std::vector<Field> items = field.items();
    if (items.empty()) field.fail_expected("a non-empty list");
    return items;
  }
  return {field};
}

std::string where(const Field& field) {
  return field.file() + ":" + std::to_string(field.mark().line) + ":" +
         std::to_string(field.mark().column);
}

// How each kind authenticates: home kinds with certificates, account kinds with tokens.
std::map<std::string, Principal::Source> kind_sources(const Fleet& fleet) {
  std::map<std::string, Principal::Source> sources;
  for (const DeviceGroup& g : fleet.per_home) sources[g.kind] = Principal::Source::certificate;
  for (const DeviceGroup& g : fleet.per_account) sources[g.kind] = Principal::Source::token;
  sources[std::string(kShadowKind)] = Principal::Source::service;
  return sources;
}

const char* source_text(Principal::Source source) {
  switch (source) {
    case Principal::Source::certificate:
      return "a certificate";
    case Principal::Source::token:
      return "a token (JWT)";
    case Principal::Source::service:
      return "the platform's service certificate";
  }
  return "?";
}

bool defines(const policy::VariableInfo& variable, Principal::Source source) {
  return source == Principal::Source::token ? variable.token : variable.certificate;
}

policy::Resource read_resource(const Field& field, policy::ActionSet actions,
                               const std::vector<std::string>& attach,
                               const std::map<std::string, Principal::Source>& sources) {
  policy::Resource resource;
  try {
    resource = policy::parse_resource(field.as_string());
  } catch (const policy::PolicyError& e) {
    field.fail(e.what());
  }
  if ((policy::actions_of(resource.type) & actions) == 0) {
    field.fail("resource '" + resource.text +
               "' fits none of the statement's actions (iot:Connect checks client/..., "
               "iot:Publish and iot:Receive topic/..., iot:Subscribe topicfilter/...)");
  }
  for (const policy::ResourcePiece& piece : resource.pieces) {
    if (!piece.variable) continue;
    const policy::VariableInfo* variable = policy::find_variable(piece.text);
    for (const auto& [kind, source] : sources) {
      // "*" covers the shadow service too, which lacks account variables by design.
      const bool named = std::find(attach.begin(), attach.end(), kind) != attach.end();
      const bool starred = kind != kShadowKind && std::find(attach.begin(), attach.end(),
                                                            policy::kEveryKind) != attach.end();
      if ((named || starred) && !defines(*variable, source)) {
        field.fail("${" + piece.text + "} (" + variable->meaning + ") does not exist for kind '" +
                   kind + "', which authenticates with " + source_text(source));
      }
    }
  }
  return resource;
}

policy::Statement read_statement(const Field& field, const std::vector<std::string>& attach,
                                 const std::map<std::string, Principal::Source>& sources) {
  field.expect_keys({"effect", "action", "resource"});
  policy::Statement statement;
  statement.where = where(field);
  const Field effect = field.require("effect");
  const std::string effect_text = effect.as_string();
  if (effect_text == "allow") {
    statement.effect = policy::Effect::allow;
  } else if (effect_text == "deny") {
    statement.effect = policy::Effect::deny;
  } else {
    effect.fail_expected("allow or deny");
  }
  for (const Field& action : one_or_many(field.require("action"))) {
    const std::string text = action.as_string();
    try {
      statement.actions |= policy::parse_action(text);
    } catch (const policy::PolicyError& e) {
      action.fail(e.what() + did_you_mean(text, policy::action_names()));
    }
  }
  for (const Field& resource : one_or_many(field.require("resource"))) {
    statement.resources.push_back(read_resource(resource, statement.actions, attach, sources));
  }
  return statement;
}

policy::PolicyDocument read_document(const Field& field,
                                     const std::map<std::string, Principal::Source>& sources) {
  field.expect_keys({"name", "attach", "statements"});
  policy::PolicyDocument document;
  if (auto name = field.get("name")) document.name = name->as_string();
  std::vector<std::string> known;
  known.reserve(sources.size());
  for (const auto& [kind, source] : sources) known.push_back(kind);
  for (const Field& kind : one_or_many(field.require("attach"))) {
    const std::string text = kind.as_string();
    if (text != policy::kEveryKind && sources.count(text) == 0) {
      kind.fail("no kind '" + text + "' in the fleet (kinds: " + join_alternatives(known) +
                ", or * for every kind)" + did_you_mean(text, known));
    }
    document.attach.push_back(text);
  }
  const Field statements = field.require("statements");
  if (!statements.is_sequence() || statements.items().empty()) {
    statements.fail_expected("a non-empty list of statements");
  }
  for (const Field& statement : statements.items()) {
    document.statements.push_back(read_statement(statement, document.attach, sources));
  }
  return document;
}

// A sample client id of `kind` under the fleet grammar, for the grants-nothing check.
std::string sample_client_id(const std::string& kind, Principal::Source source) {
  switch (source) {
    case Principal::Source::certificate:
      return home_client_id(0, 0, kind, 0);
    case Principal::Source::token:
      return account_client_id(0, kind, 0);
    case Principal::Source::service:
      return std::string(kShadowClientId);
  }
  return "";
}

}  // namespace

IdentitySettings read_identity(const Field& field) {
  field.expect_keys({"partner_id", "certificate_lifetime", "token_lifetime", "token_refresh_before",
                     "clock_skew"});
  IdentitySettings identity;
  identity.enabled = true;
  identity.mark = field.mark();
  if (auto partner = field.get("partner_id")) {
    identity.partner_id = partner->as_string();
    // It is a topic level and a DN attribute: no MQTT wildcards, separators or policy wildcards.
    if (identity.partner_id.empty() ||
        identity.partner_id.find_first_of("/+#*?$ ") != std::string::npos) {
      partner->fail_expected("a partner id without '/', '+', '#', '*', '?', '$' or spaces");
    }
  }
  if (auto lifetime = field.get("certificate_lifetime")) {
    identity.certificate_lifetime = lifetime->as_duration(std::chrono::seconds(1));
  }
  if (auto lifetime = field.get("token_lifetime")) {
    identity.token_lifetime = lifetime->as_duration(std::chrono::seconds(1));
  }
  if (auto skew = field.get("clock_skew")) identity.clock_skew = skew->as_duration();
  if (auto refresh = field.get("token_refresh_before")) {
    identity.token_refresh_before = refresh->as_duration();
    if (identity.token_refresh_before >= identity.token_lifetime) {
      refresh->fail_expected("a duration shorter than token_lifetime (" +
                             units::format_duration(identity.token_lifetime) + ")");
    }
  } else if (identity.token_refresh_before >= identity.token_lifetime) {
    identity.token_refresh_before = identity.token_lifetime / 2;
  }
  return identity;
}

policy::Policy read_policy(const Field& field, const Fleet& fleet) {
  if (!field.is_sequence() || field.items().empty()) {
    field.fail_expected("a non-empty list of policy documents");
  }
  const std::map<std::string, Principal::Source> sources = kind_sources(fleet);
  policy::Policy policy;
  for (const Field& document : field.items()) {
    policy.documents.push_back(read_document(document, sources));
  }
  // A kind granted nothing could not even connect: refuse the scenario rather than run a
  // fleet that the authorizer silently shuts out.
  for (const auto& [kind, source] : sources) {
    const std::string client_id = sample_client_id(kind, source);
    auto principal = fleet_principal(client_id, "partner", 0);
    if (!principal) continue;
    if (!policy::CompiledPolicy(policy, *principal, client_id).grants_anything()) {
      field.fail("the policy grants nothing to kind '" + kind + "' (no allow statement " +
                 "attached to it applies to " + source_text(source) + ")");
    }
  }
  return policy;
}

}  // namespace mqttbed::scenario
