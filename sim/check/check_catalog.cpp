#include "sim/check/check_catalog.h"

#include "sim/check/answers_checker.h"
#include "sim/check/authorization_checker.h"
#include "sim/check/completeness_checker.h"
#include "sim/check/delivery_checker.h"
#include "sim/check/flow_control_checker.h"
#include "sim/check/isolation_checker.h"
#include "sim/check/message_expiry_checker.h"
#include "sim/check/ordering_checker.h"
#include "sim/check/payload_limit_checker.h"
#include "sim/check/properties_checker.h"
#include "sim/check/qos_checker.h"
#include "sim/check/reason_codes_checker.h"
#include "sim/check/reassembly_checker.h"
#include "sim/check/retained_checker.h"
#include "sim/check/sessions_checker.h"
#include "sim/check/shadow_checker.h"
#include "sim/check/shared_subscriptions_checker.h"
#include "sim/check/subscription_options_checker.h"
#include "sim/check/will_checker.h"
#include "sim/security/security.h"

namespace mqttbed::check {
namespace {

using Inputs = CheckInputs;
using Out = std::vector<std::unique_ptr<Checker>>;

// A check made of one checker that needs nothing but the shared session tracker.
template <class C>
auto one() {
  return [](const Inputs&, Out& out) { out.push_back(std::make_unique<C>()); };
}
template <class C>
auto one_with_sessions() {
  return [](const Inputs& in, Out& out) { out.push_back(std::make_unique<C>(in.sessions)); };
}
auto qos_level(int level) {
  return [level](const Inputs& in, Out& out) {
    out.push_back(std::make_unique<QosChecker>(level, in.sessions));
  };
}

std::vector<CheckSpec> build_catalog() {
  std::vector<CheckSpec> catalog = {
      {"qos", "QoS 0 at most, 1 at least, 2 exactly once; every PUBLISH, SUBSCRIBE answered",
       [](const Inputs& in, Out& out) {
         for (int level = 0; level <= 2; ++level)
           out.push_back(std::make_unique<QosChecker>(level, in.sessions));
         // The QoS promises presuppose that the server answers the publishes and subscribes
         // at all; without this a server that answers nothing passes them vacuously.
         out.push_back(std::make_unique<AnswersChecker>());
       },
       ""},
      {"ordering", "first deliveries from one publisher, topic and QoS arrive in publish order",
       one_with_sessions<OrderingChecker>(), ""},
      {"retained", "a new subscription gets each matching topic's last retained message",
       one<RetainedChecker>(), ""},
      {"will", "a will is published iff the connection ends without DISCONNECT",
       one_with_sessions<WillChecker>(), ""},
      {"sessions", "a persistent session keeps its subscriptions and queued messages",
       one_with_sessions<SessionsChecker>(), ""},
      {"shadow", "device shadows converge and versions only grow", one<ShadowChecker>(), ""},
      {"isolation", "no client publishes, subscribes or receives outside what the policy allows",
       [](const Inputs& in, Out& out) {
         // Its own evaluator: the checker thread must not share the broker's cache.
         auto authorizer = std::make_shared<security::Authorizer>(in.policy);
         out.push_back(std::make_unique<IsolationChecker>(
             [authorizer](const std::string& client, policy::Action action, std::string_view name) {
               return authorizer->allows(client, action, name);
             }));
       },
       ""},
      {"authorization", "the broker refuses every attempt the policy denies and nothing it permits",
       [](const Inputs& in, Out& out) {
         out.push_back(std::make_unique<AuthorizationChecker>(in.policy));
       },
       ""},
      {"completeness", "every seq/total series reaches its subscribers complete",
       one_with_sessions<CompletenessChecker>(), ""},
      {"deliveries",
       "a delivery matches a subscription held, at no higher QoS, RETAIN only on replays",
       one<DeliveryChecker>(), ""},
      {"payload_limit",
       "the broker refuses what is over its declared limit, delivers what is under",
       one<PayloadLimitChecker>(), ""},
      {"reassembly", "every chunked upload is reassembled exactly once, byte-identical, or lost",
       one<ReassemblyChecker>(), ""},
      {"reason_codes", "every reason code is one its packet may carry (MQTT 5)",
       one<ReasonCodesChecker>(), ""},
      {"message_expiry", "no message is delivered after its expiry interval (MQTT 5)",
       one<MessageExpiryChecker>(), ""},
      {"subscription_options",
       "No Local, Retain Handling and Subscription Identifiers are honoured (MQTT 5)",
       one<SubscriptionOptionsChecker>(), ""},
      {"flow_control",
       "the broker never has more QoS 1/2 PUBLISHes in flight than Receive Maximum (MQTT 5)",
       one<FlowControlChecker>(), ""},
      {"shared_subscriptions",
       "a message matching a shared subscription goes to one member of its group (MQTT 5)",
       one_with_sessions<SharedSubscriptionsChecker>(), ""},
      {"properties",
       "Response Topic, Correlation Data and User Properties arrive unaltered, in order; each "
       "request answered at most once, with its Correlation Data (MQTT 5)",
       one<PropertiesChecker>(), ""},
      {"qos0", "QoS 0: at most once", qos_level(0), "qos"},
      {"qos1", "QoS 1: at least once", qos_level(1), "qos"},
      {"qos2", "QoS 2: exactly once", qos_level(2), "qos"},
      {"answers", "every PUBLISH and SUBSCRIBE that needs an answer gets one",
       one<AnswersChecker>(), "qos"},
  };
  return catalog;
}

}  // namespace

const std::vector<CheckSpec>& check_catalog() {
  static const std::vector<CheckSpec> kCatalog = build_catalog();
  return kCatalog;
}

std::vector<std::string> scenario_check_names() {
  std::vector<std::string> names;
  for (const CheckSpec& spec : check_catalog())
    if (spec.part_of.empty()) names.push_back(spec.name);
  return names;
}

const CheckSpec* find_check(const std::string& name) {
  for (const CheckSpec& spec : check_catalog())
    if (spec.name == name) return &spec;
  return nullptr;
}

}  // namespace mqttbed::check
