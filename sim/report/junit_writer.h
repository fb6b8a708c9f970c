// A run's verdicts as JUnit XML (the format GitLab, Jenkins and GitHub test reports read):
// one <testsuite> per run, one <testcase> per guarantee and per `expect:` threshold.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/check/checker.h"
#include "sim/report/expectations.h"

namespace mqttbed::report {

struct JunitSuite {
  std::string name;       // the scenario's name, or the history file's path for `check`
  std::string timestamp;  // ISO 8601, UTC; empty: left out
  double time_s = 0;      // wall-clock seconds the run took
  std::vector<check::Verdict> verdicts;
  std::vector<ExpectationResult> expectations;
  std::string system_out;  // free text for <system-out> (e.g. where a partial history ended)
};

// Text safe inside an XML attribute or element: & < > " ' escaped, characters XML 1.0
// forbids (control characters other than tab, newline, carriage return) replaced by '?'.
std::string xml_escape(std::string_view text);

// The whole document: <?xml ...?><testsuites tests= failures= errors=><testsuite ...>.
std::string junit_xml(const JunitSuite& suite);

// junit_xml written atomically to `path`; throws WriteError.
void write_junit(const std::string& path, const JunitSuite& suite);

}  // namespace mqttbed::report
