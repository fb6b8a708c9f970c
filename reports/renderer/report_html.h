// The HTML fleet report: one self-contained page (chart library, styles and data inlined,
// nothing fetched) drawn from one run's report.json, or from two runs compared side by side.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace mqttbed::reports {

class ReportHtmlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One run to show: the text of its report.json and a label (usually its path).
struct HtmlRun {
  std::string label;
  std::string report_json;
};

// The page for one run, or two runs compared (A = runs[0], B = runs[1]). Throws
// ReportHtmlError naming the label when a report is not JSON or not a report.json of a
// known schema_version, or when runs is empty or longer than two.
std::string render_report_html(const std::vector<HtmlRun>& runs, const std::string& version);

// Reads the report.json files, renders them and writes the page atomically to html_path
// (PATH.tmp, fsync, rename: never half a page). Throws ReportHtmlError or
// report::WriteError with the path and the reason.
void write_report_html(const std::string& html_path, const std::vector<std::string>& report_paths,
                       const std::string& version);

// Where `mqttbed report` writes when not told: report.html beside the first report.json for
// one run, compare.html there for two.
std::string default_html_path(const std::vector<std::string>& report_paths);

}  // namespace mqttbed::reports
