#include "sim/report/junit_writer.h"

#include <cstdio>

#include "sim/report/atomic_file.h"

namespace mqttbed::report {

namespace {

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string text;
  for (const auto& item : items) {
    if (!text.empty()) text += separator;
    text += item;
  }
  return text;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", seconds);
  return text;
}

// A violation as the failure's message (one line) and body (everything, with the excerpt).
std::string failure_message(const check::Violation& violation) {
  std::string message = violation.invariant;
  if (!violation.spec.empty()) message += " [" + violation.spec + "]";
  if (!violation.topic.empty()) message += " topic " + violation.topic;
  return message;
}

std::string failure_body(const check::Verdict& verdict) {
  std::string body;
  for (const auto& violation : verdict.violations) {
    body += "invariant: " + violation.invariant + "\n";
    body += "spec: " + violation.spec + "\n";
    body += "clients: " + join(violation.clients, ", ") + "\n";
    body += "topic: " + violation.topic + "\n";
    if (!violation.messages.empty()) body += "messages: " + join(violation.messages, ", ") + "\n";
    body += "history:\n";
    for (const auto& line : violation.excerpt) body += "  " + line + "\n";
    body += "\n";
  }
  if (verdict.violation_count > verdict.violations.size())
    body += std::to_string(verdict.violation_count - verdict.violations.size()) +
            " more violation(s) not shown\n";
  return body;
}

std::string guarantee_case(const std::string& suite, const check::Verdict& verdict) {
  std::string xml = "    <testcase classname=\"" + xml_escape(suite) + ".guarantees\" name=\"" +
                    xml_escape(verdict.guarantee) + "\" time=\"0\"";
  if (verdict.passed) return xml + "/>\n";
  std::string message = verdict.violations.empty()
                            ? std::to_string(verdict.violation_count) + " violation(s)"
                            : failure_message(verdict.violations.front());
  xml += ">\n      <failure type=\"" + xml_escape(verdict.guarantee) + "\" message=\"" +
         xml_escape(message) + "\">" + xml_escape(failure_body(verdict)) + "</failure>\n";
  return xml + "    </testcase>\n";
}

std::string expectation_case(const std::string& suite, const ExpectationResult& result) {
  const auto& expectation = result.expectation;
  std::string xml = "    <testcase classname=\"" + xml_escape(suite) + ".expect\" name=\"" +
                    xml_escape(expectation.metric + " " + expectation.text) + "\" time=\"0\"";
  if (result.passed) return xml + "/>\n";
  xml += ">\n      <failure type=\"expect\" message=\"" + xml_escape(result.message) + "\">" +
         xml_escape(result.message) + "</failure>\n";
  return xml + "    </testcase>\n";
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&apos;";
        break;
      default:
        // XML 1.0 allows no control characters but tab, newline and carriage return.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
          escaped += '?';
        else
          escaped += c;
    }
  }
  return escaped;
}

std::string junit_xml(const JunitSuite& suite) {
  std::size_t tests = suite.verdicts.size() + suite.expectations.size();
  std::size_t failures = 0;
  for (const auto& verdict : suite.verdicts) failures += verdict.passed ? 0 : 1;
  for (const auto& result : suite.expectations) failures += result.passed ? 0 : 1;
  std::string counts = " tests=\"" + std::to_string(tests) + "\" failures=\"" +
                       std::to_string(failures) + "\" errors=\"0\"";
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml +=
      "<testsuites name=\"mqttbed\"" + counts + " time=\"" + seconds_text(suite.time_s) + "\">\n";
  xml += "  <testsuite name=\"" + xml_escape(suite.name) + "\"" + counts + " skipped=\"0\"" +
         " time=\"" + seconds_text(suite.time_s) + "\"";
  if (!suite.timestamp.empty()) xml += " timestamp=\"" + xml_escape(suite.timestamp) + "\"";
  xml += ">\n";
  for (const auto& verdict : suite.verdicts) xml += guarantee_case(suite.name, verdict);
  for (const auto& result : suite.expectations) xml += expectation_case(suite.name, result);
  if (!suite.system_out.empty())
    xml += "    <system-out>" + xml_escape(suite.system_out) + "</system-out>\n";
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

void write_junit(const std::string& path, const JunitSuite& suite) {
  write_file_atomically(path, junit_xml(suite));
}

}  // namespace mqttbed::report
