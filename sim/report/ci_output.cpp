#include "sim/report/ci_output.h"

namespace mqttbed::report {

namespace {

std::string escape(const std::string& text, bool property) {
  std::string out;
  for (char c : text) {
    if (c == '%')
      out += "%25";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else if (property && c == ':')
      out += "%3A";
    else if (property && c == ',')
      out += "%2C";
    else
      out += c;
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

std::string annotation(const std::string& file, int line, const std::string& title,
                       const std::string& message) {
  std::string text = "::error ";
  if (!file.empty()) text += "file=" + annotation_property_escape(file) + ",";
  if (line > 0) text += "line=" + std::to_string(line) + ",";
  return text + "title=" + annotation_property_escape(title) +
         "::" + annotation_message_escape(message) + "\n";
}

}  // namespace

std::string annotation_message_escape(const std::string& text) { return escape(text, false); }
std::string annotation_property_escape(const std::string& text) { return escape(text, true); }

bool outcome_passed(const CiOutcome& outcome) {
  for (const auto& verdict : outcome.verdicts)
    if (!verdict.passed) return false;
  for (const auto& result : outcome.expectations)
    if (!result.passed) return false;
  return true;
}

nlohmann::ordered_json summary_json(const CiOutcome& outcome) {
  using nlohmann::ordered_json;
  std::uint64_t guarantees_failed = 0, violations = 0, expectations_failed = 0;
  ordered_json failed_names = ordered_json::array();
  for (const auto& verdict : outcome.verdicts) {
    violations += verdict.violation_count;
    if (verdict.passed) continue;
    ++guarantees_failed;
    failed_names.push_back(verdict.guarantee);
  }
  for (const auto& result : outcome.expectations) expectations_failed += result.passed ? 0 : 1;
  const bool passed = outcome_passed(outcome);
  ordered_json paths = ordered_json::object();
  for (auto [key, value] :
       {std::pair{"report_json", &outcome.report_json},
        std::pair{"report_html", &outcome.report_html}, std::pair{"junit", &outcome.junit},
        std::pair{"history", &outcome.history}})
    if (!value->empty()) paths[key] = *value;
  ordered_json summary{{"format", "mqttbed-summary"},
                       {"version", 1},
                       {"command", outcome.command},
                       {"name", outcome.name},
                       {"mode", outcome.mode},
                       {"passed", passed},
                       {"exit_code", passed ? 0 : 1},
                       {"guarantees",
                        {{"total", outcome.verdicts.size()},
                         {"passed", outcome.verdicts.size() - guarantees_failed},
                         {"failed", guarantees_failed},
                         {"failed_names", failed_names}}},
                       {"expectations",
                        {{"total", outcome.expectations.size()},
                         {"passed", outcome.expectations.size() - expectations_failed},
                         {"failed", expectations_failed}}},
                       {"violations", violations},
                       {"paths", paths}};
  if (outcome.command == "check")
    summary["partial"] = {{"truncated", outcome.truncated},
                          {"last_complete_line", outcome.last_complete_line},
                          {"last_event_s", outcome.last_event_s}};
  return summary;
}

std::string github_annotations(const CiOutcome& outcome) {
  std::string text;
  for (const auto& verdict : outcome.verdicts) {
    if (verdict.passed) continue;
    if (verdict.violations.empty())
      text += annotation(outcome.file, 0, "mqttbed: " + verdict.guarantee + " violated",
                         std::to_string(verdict.violation_count) + " violation(s)");
    for (const auto& violation : verdict.violations) {
      std::string title = "mqttbed: " + verdict.guarantee + " violated";
      if (!violation.spec.empty()) title += " (" + violation.spec + ")";
      std::string message = violation.invariant;
      if (!violation.clients.empty()) message += "\nclients: " + join(violation.clients);
      if (!violation.topic.empty()) message += "\ntopic: " + violation.topic;
      for (const auto& line : violation.excerpt) message += "\n  " + line;
      text += annotation(outcome.file, 0, title, message);
    }
  }
  for (const auto& result : outcome.expectations) {
    if (result.passed) continue;
    text += annotation(outcome.file, result.expectation.mark.line,
                       "mqttbed: expectation missed: " + result.expectation.metric, result.message);
  }
  return text;
}

}  // namespace mqttbed::report
