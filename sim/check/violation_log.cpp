#include "sim/check/violation_log.h"

#include <cinttypes>
#include <cstdio>

namespace mqttbed::check {

void ViolationLog::add(Violation violation) {
  ++count_;
  if (wants_detail()) violations_.push_back(std::move(violation));
}

void ViolationLog::merge(ViolationLog&& other) {
  for (Violation& violation : other.violations_) {
    if (wants_detail()) violations_.push_back(std::move(violation));
  }
  count_ += other.count_;
  other.violations_.clear();
  other.count_ = 0;
}

Verdict ViolationLog::verdict(const char* guarantee, const Counts& counts) {
  Verdict verdict;
  verdict.guarantee = guarantee;
  verdict.counts = counts;
  verdict.violation_count = count_;
  verdict.passed = count_ == 0;
  verdict.violations = std::move(violations_);
  violations_.clear();
  return verdict;
}

Verdict not_promised_verdict(const char* guarantee, const Counts& counts,
                             std::uint64_t out_of_promise, const std::string& why) {
  Verdict verdict;
  verdict.guarantee = guarantee;
  verdict.counts = counts;
  verdict.not_promised = why + "; " + std::to_string(out_of_promise) + " of " +
                         std::to_string(counts.checked) +
                         " items would have broken the promise (not violations)";
  return verdict;
}

std::string describe_message(history::MessageId id, const history::History& history) {
  if (id.seq == 0) return "?";
  return history.client_name(id.publisher) + "#" + std::to_string(id.seq);
}

std::string describe_event(const history::Event& event, const history::History& history) {
  char time[48];
  std::snprintf(time, sizeof time, "%" PRId64 ".%09" PRId64 "s", event.time_ns / 1000000000,
                event.time_ns % 1000000000);
  std::string line = std::string(time) + " " + history.client_name(event.client) + " " +
                     history::to_string(event.type);
  if (event.topic != 0) line += " " + history.string(event.topic);
  using history::EventType;
  const bool has_qos = event.type == EventType::publish_sent ||
                       event.type == EventType::delivered || event.type == EventType::suback ||
                       event.type == EventType::subscribe_sent || event.is_will;
  if (has_qos) line += " qos=" + std::to_string(event.qos);
  if (event.msg.seq != 0) line += " msg=" + describe_message(event.msg, history);
  if (event.retain) line += " retain";
  if (event.dup) line += " dup";
  if (event.is_will) line += " will";
  if (event.type == EventType::connack) {
    line += event.session_present ? " session_present=1" : " session_present=0";
  }
  if (event.code != 0) line += " code=" + std::to_string(event.code);
  if (event.expiry_s != 0) line += " expiry=" + std::to_string(event.expiry_s) + "s";
  if (event.app_total != 0) {
    line += " app_seq=" + std::to_string(event.app_seq) + "/" + std::to_string(event.app_total);
  }
  if (event.detail != 0) line += " [" + history.string(event.detail) + "]";
  if (event.properties != 0) line += " props=" + history.string(event.properties);
  return line;
}

}  // namespace mqttbed::check
