// A hand-built history for checker tests: recorders for named clients over a fake clock,
// the checkers under test attached, and short-hands for the usual client steps.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/checks.h"
#include "sim/history/client_recorder.h"
#include "sim/history/history.h"

namespace mqttbed::check::testing {

class Bed {
 public:
  explicit Bed(const std::vector<std::string>& checks,
               const security::PolicySetup& policy = security::default_setup());
  Bed(const Bed&) = delete;  // observers and clocks point into it
  Bed& operator=(const Bed&) = delete;

  history::ClientRecorder& operator[](const std::string& name);
  void tick(std::int64_t ns = 1'000'000) { now_ns += ns; }

  // connect_sent + connack (one tick apart).
  void connect(const std::string& name, bool clean = true, bool session_present = false);
  // subscribe_sent + suback granting `granted`.
  void subscribe(const std::string& name, const std::string& filter, int granted);
  // publish_sent and, for QoS > 0 when `acked`, publish_acked a tick later.
  history::EnvelopedPublish publish(const std::string& name, const std::string& topic, int qos,
                                    const std::string& payload = "x", bool retain = false,
                                    bool acked = true);
  // A delivery of `sent` to `subscriber` at `qos`.
  void deliver(const std::string& subscriber, const std::string& topic, int qos,
               const std::string& enveloped, bool retain = false, bool dup = false);
  void deliver(const std::string& subscriber, const std::string& topic, int qos,
               const history::EnvelopedPublish& sent, bool retain = false, bool dup = false) {
    deliver(subscriber, topic, qos, sent.payload, retain, dup);
  }
  void fault(const std::string& description) { (*this)["faults"].fault("*", description); }

  // Ends the run: settle window [now, now + 1 s]. Verdicts are computed once.
  const std::vector<Verdict>& finish();
  // Ends the run with this settle window instead.
  const std::vector<Verdict>& finish(const CheckContext& context);
  const Verdict& verdict(const std::string& guarantee);

  history::History history;
  std::int64_t now_ns = 1'000'000'000;

 private:
  std::vector<std::unique_ptr<Checker>> checkers_;
  std::map<std::string, std::unique_ptr<history::ClientRecorder>> recorders_;
  std::vector<Verdict> verdicts_;
  bool finished_ = false;
};

// The verdict's violations and counts, readable in a failed assertion.
std::string explain(const Verdict& verdict);

}  // namespace mqttbed::check::testing
