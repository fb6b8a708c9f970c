#include "tests/check/bed.h"

#include <stdexcept>

#include "sim/check/verdict_format.h"

namespace mqttbed::check::testing {

Bed::Bed(const std::vector<std::string>& checks, const security::PolicySetup& policy)
    : checkers_(make_checkers(checks, policy)) {
  attach(history, checkers_);
}

history::ClientRecorder& Bed::operator[](const std::string& name) {
  auto& recorder = recorders_[name];
  if (!recorder) {
    recorder = std::make_unique<history::ClientRecorder>(history, name, [this] { return now_ns; });
  }
  return *recorder;
}

void Bed::connect(const std::string& name, bool clean, bool session_present) {
  (*this)[name].connect_sent(clean);
  tick();
  (*this)[name].connack(session_present, 0);
  tick();
}

void Bed::subscribe(const std::string& name, const std::string& filter, int granted) {
  (*this)[name].subscribe_sent(filter, granted == 128 ? 1 : granted);
  tick();
  (*this)[name].suback(filter, granted);
  tick();
}

history::EnvelopedPublish Bed::publish(const std::string& name, const std::string& topic, int qos,
                                       const std::string& payload, bool retain, bool acked) {
  auto sent = (*this)[name].publish_sent(topic, qos, retain, payload);
  tick();
  if (qos > 0 && acked) {
    (*this)[name].publish_acked(sent.seq);
    tick();
  }
  return sent;
}

void Bed::deliver(const std::string& subscriber, const std::string& topic, int qos,
                  const std::string& enveloped, bool retain, bool dup) {
  (*this)[subscriber].delivered(topic, qos, retain, dup, enveloped);
  tick();
}

const std::vector<Verdict>& Bed::finish() {
  return finish(CheckContext{now_ns + 1'000'000'000, now_ns + 1});
}

const std::vector<Verdict>& Bed::finish(const CheckContext& context) {
  if (!finished_) {
    verdicts_ = finish_all(checkers_, context);
    finished_ = true;
  }
  return verdicts_;
}

const Verdict& Bed::verdict(const std::string& guarantee) {
  for (const Verdict& v : finish()) {
    if (v.guarantee == guarantee) return v;
  }
  throw std::invalid_argument("no verdict for " + guarantee);
}

std::string explain(const Verdict& verdict) { return format_summary({verdict}, 10); }

}  // namespace mqttbed::check::testing
