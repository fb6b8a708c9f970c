// Isolation between accounts: no client receives a message on a topic its identity may not
// read, no SUBACK grants it a filter it may not subscribe to, and no message a client was
// not allowed to publish reaches anyone.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "sim/check/checker.h"
#include "sim/check/violation_log.h"
#include "sim/policy/policy.h"

namespace mqttbed::check {

// The authorizer's rule: may `client` do `action` on `name` (a topic, or the filter of
// iot:Subscribe)? Normally a security::Authorizer over the scenario's policy.
using AccessPolicy =
    std::function<bool(const std::string& client, policy::Action action, std::string_view name)>;

// The broker must refuse what the policy denies: a denied SUBSCRIBE gets return code 0x80
// (MQTT-3.9.3-2 allows the server to refuse), a denied PUBLISH is not forwarded, and a
// client receives only messages on topics it may read. And it must not refuse what the
// policy permits: a SUBACK 0x80 for a valid filter the client may subscribe to is a violation
// of the scenario's declared policy.
class IsolationChecker : public Checker {
 public:
  explicit IsolationChecker(AccessPolicy policy);
  const char* name() const override { return "isolation"; }
  void observe(const history::Event& event, const history::History& history) override;
  Verdict finish(const CheckContext& context) override;

 private:
  void report(const char* invariant, const history::Event& event, const history::History& history,
              const char* spec = "MQTT 3.1.1 §5.4.2");

  AccessPolicy allowed_;
  Counts counts_;
  ViolationLog log_;
};

}  // namespace mqttbed::check
