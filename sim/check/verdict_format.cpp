#include "sim/check/verdict_format.h"

#include <cstdio>

namespace mqttbed::check {

using nlohmann::json;

nlohmann::json to_json(const Verdict& verdict) {
  json violations = json::array();
  for (const Violation& v : verdict.violations) {
    violations.push_back({{"invariant", v.invariant},
                          {"spec", v.spec},
                          {"clients", v.clients},
                          {"topic", v.topic},
                          {"messages", v.messages},
                          {"excerpt", v.excerpt}});
  }
  const Counts& c = verdict.counts;
  const char* status = !verdict.passed                 ? "failed"
                       : !verdict.not_promised.empty() ? "not_promised"
                       : verdict.nothing_checked()     ? "nothing_checked"
                                                       : "passed";
  json out = {{"guarantee", verdict.guarantee},
              {"passed", verdict.passed},
              {"status", status},
              {"nothing_checked", verdict.nothing_checked()},
              {"counts",
               {{"checked", c.checked},
                {"ok", c.ok},
                {"lost", c.lost},
                {"duplicated", c.duplicated},
                {"unexpected", c.unexpected},
                {"indeterminate", c.indeterminate}}},
              {"violation_count", verdict.violation_count},
              {"violations", std::move(violations)}};
  if (!verdict.not_promised.empty()) out["not_promised"] = verdict.not_promised;
  return out;
}

nlohmann::json to_json(const std::vector<Verdict>& verdicts) {
  json out = json::array();
  for (const Verdict& verdict : verdicts) out.push_back(to_json(verdict));
  return out;
}

Verdict verdict_from_json(const nlohmann::json& j) {
  Verdict verdict;
  verdict.guarantee = j.at("guarantee").get<std::string>();
  verdict.passed = j.at("passed").get<bool>();
  const json& c = j.at("counts");
  verdict.counts = {c.at("checked"),    c.at("ok"),         c.at("lost"),
                    c.at("duplicated"), c.at("unexpected"), c.at("indeterminate")};
  verdict.violation_count = j.at("violation_count").get<std::uint64_t>();
  verdict.not_promised = j.value("not_promised", std::string());
  for (const json& v : j.at("violations")) {
    verdict.violations.push_back({v.at("invariant"), v.at("spec"), v.at("clients"), v.at("topic"),
                                  v.at("messages"), v.at("excerpt")});
  }
  return verdict;
}

bool all_passed(const std::vector<Verdict>& verdicts) {
  for (const Verdict& verdict : verdicts) {
    if (!verdict.passed) return false;
  }
  return true;
}

namespace {

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

}  // namespace

std::string format_summary(const std::vector<Verdict>& verdicts, std::size_t max_violations) {
  std::string out;
  char line[256];
  for (const Verdict& v : verdicts) {
    const Counts& c = v.counts;
    std::snprintf(line, sizeof line,
                  "%s %-12s checked %-8llu ok %-8llu lost %-6llu dup %-6llu unexpected %-6llu "
                  "indeterminate %-6llu violations %llu%s\n",
                  v.passed ? "PASS" : "FAIL", v.guarantee.c_str(),
                  static_cast<unsigned long long>(c.checked), static_cast<unsigned long long>(c.ok),
                  static_cast<unsigned long long>(c.lost),
                  static_cast<unsigned long long>(c.duplicated),
                  static_cast<unsigned long long>(c.unexpected),
                  static_cast<unsigned long long>(c.indeterminate),
                  static_cast<unsigned long long>(v.violation_count),
                  v.nothing_checked() ? "  VACUOUS: nothing judged" : "");
    out += line;
    if (!v.not_promised.empty()) out += "     NOT PROMISED, not judged: " + v.not_promised + "\n";
  }
  std::string vacuous;
  for (const Verdict& v : verdicts)
    if (v.nothing_checked()) vacuous += (vacuous.empty() ? "" : ", ") + v.guarantee;
  if (!vacuous.empty())
    out +=
        "VACUOUS (passed with nothing judged, the run does not exercise them): " + vacuous + "\n";
  std::size_t shown = 0;
  for (const Verdict& v : verdicts) {
    for (const Violation& violation : v.violations) {
      if (shown++ == max_violations) return out + "  ...\n";
      out += "\n" + v.guarantee + ": " + violation.invariant + " (" + violation.spec + ")\n";
      if (!violation.clients.empty()) out += "  clients: " + join(violation.clients, ", ") + "\n";
      if (!violation.topic.empty()) out += "  topic: " + violation.topic + "\n";
      if (!violation.messages.empty()) {
        out += "  messages: " + join(violation.messages, ", ") + "\n";
      }
      for (const std::string& e : violation.excerpt) out += "    | " + e + "\n";
    }
  }
  return out;
}

}  // namespace mqttbed::check
