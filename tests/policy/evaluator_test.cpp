// The policy language and its one evaluator: wildcards, variables, deny over allow, kinds.
#include "sim/policy/evaluator.h"

#include <gtest/gtest.h>

namespace mqttbed::policy {
namespace {

Principal app(const std::string& aid) {
  Principal p;
  p.source = Principal::Source::token;
  p.kind = "app";
  p.thing_name = aid + "-app0";
  p.values = {{"jwt:aid", aid}, {"principal:aid", aid}, {"jwt:jti", "t1"}};
  return p;
}

Statement make(Effect effect, ActionSet actions, const std::vector<std::string>& resources) {
  Statement s;
  s.effect = effect;
  s.actions = actions;
  for (const auto& r : resources) s.resources.push_back(parse_resource(r));
  s.where = "test";
  return s;
}

Policy one_document(std::vector<Statement> statements, std::vector<std::string> attach = {"app"}) {
  return Policy{{PolicyDocument{"doc", std::move(attach), std::move(statements)}}};
}

TEST(WildcardMatch, StarSpansLevelsQuestionMarkOneCharacter) {
  EXPECT_TRUE(wildcard_match("platform/acct3/*", "platform/acct3/home0/light0/state"));
  EXPECT_FALSE(wildcard_match("platform/acct3/*", "platform/acct30/x"));
  EXPECT_TRUE(wildcard_match("a?c", "abc"));
  EXPECT_FALSE(wildcard_match("a?c", "ac"));
  EXPECT_TRUE(wildcard_match("*", ""));
  EXPECT_TRUE(wildcard_match("a*b*c", "axxbyyc"));
  EXPECT_FALSE(wildcard_match("a*b*c", "axxbyy"));
  EXPECT_TRUE(wildcard_match("x\\*", "x*"));
  EXPECT_FALSE(wildcard_match("x\\*", "xy"));
}

TEST(Evaluator, SubstitutesThePrincipalsVariables) {
  Policy policy =
      one_document({make(Effect::allow, bit(Action::publish), {"topic/platform/${jwt:aid}/*"})});
  CompiledPolicy compiled(policy, app("acct3"), "acct3-app0");
  EXPECT_TRUE(compiled.allows(Action::publish, "platform/acct3/x"));
  EXPECT_FALSE(compiled.allows(Action::publish, "platform/acct4/x"));
  EXPECT_FALSE(compiled.allows(Action::receive, "platform/acct3/x"));  // not granted
}

TEST(Evaluator, AVariableValueIsNeverAWildcard) {
  Policy policy =
      one_document({make(Effect::allow, bit(Action::publish), {"topic/platform/${jwt:aid}/*"})});
  CompiledPolicy compiled(policy, app("*"), "x");  // a principal claiming account "*"
  EXPECT_FALSE(compiled.allows(Action::publish, "platform/acct4/x"));
  EXPECT_TRUE(compiled.allows(Action::publish, "platform/*/x"));
}

TEST(Evaluator, DenyWinsOverAllow) {
  Policy policy = one_document({
      make(Effect::allow, bit(Action::subscribe), {"topicfilter/platform/${jwt:aid}/*"}),
      make(Effect::deny, bit(Action::subscribe), {"topicfilter/platform/${jwt:aid}/#"}),
  });
  CompiledPolicy compiled(policy, app("acct3"), "acct3-app0");
  EXPECT_TRUE(compiled.allows(Action::subscribe, "platform/acct3/+/state"));
  EXPECT_FALSE(compiled.allows(Action::subscribe, "platform/acct3/#"));
  Decision d = compiled.decide(Action::subscribe, "platform/acct3/#");
  EXPECT_EQ(d.reason, "denied by test: platform/acct3/#");
}

TEST(Evaluator, ResourceTypesKeepTheirActions) {
  // iot:* over a topic/ resource grants publish and receive, never subscribe or connect.
  Policy policy = one_document({make(Effect::allow, kAllActions, {"topic/t"})});
  CompiledPolicy compiled(policy, app("acct3"), "acct3-app0");
  EXPECT_TRUE(compiled.allows(Action::publish, "t"));
  EXPECT_TRUE(compiled.allows(Action::receive, "t"));
  EXPECT_FALSE(compiled.allows(Action::subscribe, "t"));
  EXPECT_FALSE(compiled.allows(Action::connect, "t"));
}

TEST(Evaluator, StatementsWhoseVariablesThePrincipalLacksDoNotApply) {
  Policy policy = one_document(
      {make(Effect::allow, bit(Action::publish), {"topic/${iot:Certificate.Subject.UID}/*"})});
  CompiledPolicy compiled(policy, app("acct3"), "acct3-app0");
  EXPECT_FALSE(compiled.allows(Action::publish, "/x"));
  EXPECT_FALSE(compiled.grants_anything());
}

TEST(Evaluator, DocumentsApplyOnlyToTheKindsTheyAreAttachedTo) {
  Policy policy =
      one_document({make(Effect::allow, bit(Action::publish), {"topic/*"})}, {"gateway"});
  EXPECT_FALSE(CompiledPolicy(policy, app("acct3"), "acct3-app0").grants_anything());
  policy.documents[0].attach = {"*"};
  EXPECT_TRUE(CompiledPolicy(policy, app("acct3"), "acct3-app0").grants_anything());
}

TEST(Evaluator, ConnectChecksTheClientIdAgainstTheIdentity) {
  Policy policy = default_policy();
  CompiledPolicy own(policy, app("acct3"), "acct3-app0");
  EXPECT_TRUE(own.allows(Action::connect, "acct3-app0"));
  EXPECT_FALSE(own.allows(Action::connect, "acct4-app0"));
}

TEST(Evaluator, CachesOneCompiledPolicyPerClientAndRefusesStrangers) {
  int lookups = 0;
  PolicyEvaluator evaluator(std::make_shared<const Policy>(default_policy()),
                            [&](const std::string& id) -> std::optional<Principal> {
                              ++lookups;
                              if (id != "acct3-app0") return std::nullopt;
                              return app("acct3");
                            });
  EXPECT_TRUE(evaluator.allows("acct3-app0", Action::publish, "platform/acct3/x"));
  EXPECT_TRUE(evaluator.allows("acct3-app0", Action::subscribe, "platform/acct3/#"));
  EXPECT_FALSE(evaluator.allows("stranger", Action::publish, "platform/acct3/x"));
  EXPECT_FALSE(evaluator.allows("stranger", Action::publish, "platform/acct3/x"));
  EXPECT_EQ(lookups, 2);
}

TEST(ParseResource, ReadsTypesAndVariables) {
  Resource r = parse_resource("topicfilter/platform/${principal:aid}/#");
  EXPECT_EQ(r.type, ResourceType::topicfilter);
  ASSERT_EQ(r.pieces.size(), 3u);
  EXPECT_TRUE(r.pieces[1].variable);
  EXPECT_EQ(r.pieces[1].text, "principal:aid");
  EXPECT_EQ(parse_resource("*").type, ResourceType::any);
}

TEST(ParseResource, RefusesBadResourcesWithTheirPosition) {
  auto offset_of = [](const char* text) {
    try {
      parse_resource(text);
    } catch (const PolicyError& e) {
      return static_cast<long>(e.offset());
    }
    return -1L;
  };
  EXPECT_EQ(offset_of("queue/x"), 0);                   // no such resource type
  EXPECT_EQ(offset_of("topic/"), 6);                    // empty
  EXPECT_EQ(offset_of("topic/a/${jwt:aid"), 8);         // unterminated
  EXPECT_EQ(offset_of("topic/a/${jwt:account}/b"), 8);  // unknown claim
  EXPECT_EQ(offset_of("client/${iot:Certificate.Subject.Email}"), 7);
}

TEST(ParseAction, KnowsTheFourActionsAndTheStar) {
  EXPECT_EQ(parse_action("iot:Publish"), bit(Action::publish));
  EXPECT_EQ(parse_action("iot:*"), kAllActions);
  EXPECT_THROW(parse_action("iot:publish"), PolicyError);
  EXPECT_THROW(parse_action("iot:RetainPublish"), PolicyError);
}

}  // namespace
}  // namespace mqttbed::policy
