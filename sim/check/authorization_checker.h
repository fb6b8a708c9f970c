// Authorization both ways (issue 13): every attempt the scenario's policy denies was refused,
// and every operation it permits a device was not. Intruders' attempts are the history's
// `attempt` events (devices/intruder.h); everything else a client does is legitimate.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/violation_log.h"
#include "sim/security/security.h"

namespace mqttbed::check {

// Per attempt kind: how many were made, how many the broker refused, wrongly allowed, or
// left undecidable (the history cannot tell, e.g. the connection failed without CONNACK).
struct AttemptTally {
  std::uint64_t attempts = 0;
  std::uint64_t refused = 0;
  std::uint64_t allowed = 0;  // the policy denies, the broker let it through
  std::uint64_t indeterminate = 0;
};

class AuthorizationChecker : public Checker {
 public:
  explicit AuthorizationChecker(const security::PolicySetup& setup);
  const char* name() const override { return "authorization"; }
  void observe(const history::Event& event, const history::History& history) override;
  Verdict finish(const CheckContext& context) override;

  // By attempt kind, after finish().
  const std::map<std::string, AttemptTally>& tallies() const { return tallies_; }

 private:
  struct Attempt {
    std::string kind;
    std::string target;
    history::Event event;
  };
  struct DeniedPublish {
    std::optional<Attempt> attempt;
    std::string reason;
    history::Event event;
    bool delivered = false;
  };
  struct ClientState {
    std::optional<Attempt> pending;             // recorded, its operation not yet seen
    std::optional<Attempt> connect;             // the CONNECT in flight is this attempt
    std::map<std::string, Attempt> subscribes;  // filter -> attempt awaiting its SUBACK
  };

  void on_connack(const history::Event& event, const history::History& history);
  void on_suback(const history::Event& event, const history::History& history);
  void on_publish(const history::Event& event, const history::History& history);
  void on_delivered(const history::Event& event, const history::History& history);
  // `operation` "iot:Subscribe '#'", `policy_says` the evaluator's reason, `broker_did` what
  // the history shows; `excerpt` the events that prove it.
  void report(const std::string& client, const std::string& operation,
              const std::string& policy_says, const std::string& broker_did,
              const std::string& topic, const char* spec,
              const std::vector<const history::Event*>& excerpt, const history::History& history);

  security::Authorizer authorizer_;
  bool authenticates_;
  std::unordered_map<std::uint32_t, ClientState> clients_;
  std::map<std::pair<std::uint32_t, std::uint64_t>, DeniedPublish> denied_publishes_;
  std::map<std::string, AttemptTally> tallies_;
  Counts counts_;
  ViolationLog log_;
};

}  // namespace mqttbed::check
