#include "reports/renderer/report_html.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "reports/renderer/report_assets.h"
#include "sim/report/atomic_file.h"

namespace mqttbed::reports {
namespace {

// report.json layouts this page knows how to draw (docs/report.md, schema_version).
constexpr int kKnownSchemaVersion = 1;

// Text safe inside <script type="application/json">: '<' only occurs inside JSON strings,
// where \u003c means the same, so "</script>" and "<!--" can never end the block early.
std::string json_for_script(const nlohmann::json& report) {
  std::string text = report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string safe;
  safe.reserve(text.size());
  for (char c : text) {
    if (c == '<') {
      safe += "\\u003c";
    } else {
      safe += c;
    }
  }
  return safe;
}

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

nlohmann::json parse_report(const HtmlRun& run) {
  nlohmann::json report;
  try {
    report = nlohmann::json::parse(run.report_json);
  } catch (const nlohmann::json::parse_error& error) {
    // "FILE:LINE:COL: not JSON: ..." like the scenario loader's errors (error.byte is 1-based).
    std::size_t line = 1, column = 1;
    std::size_t end =
        std::min<std::size_t>(error.byte > 0 ? error.byte - 1 : 0, run.report_json.size());
    for (std::size_t i = 0; i < end; ++i) {
      if (run.report_json[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw ReportHtmlError(run.label + ":" + std::to_string(line) + ":" + std::to_string(column) +
                          ": not JSON: " + error.what());
  }
  if (!report.is_object() || !report.contains("schema_version") || !report.contains("metrics"))
    throw ReportHtmlError(run.label + ": not an mqttbed report.json (no schema_version/metrics)");
  if (report["schema_version"] != kKnownSchemaVersion)
    throw ReportHtmlError(run.label + ": report.json schema_version " +
                          report["schema_version"].dump() + ", this mqttbed draws version " +
                          std::to_string(kKnownSchemaVersion));
  return report;
}

// The template with every @@NAME@@ replaced by values[NAME], in one pass over the template
// only, so text inserted (data, scripts) is never scanned for placeholders.
std::string fill_template(const std::string& text,
                          const std::map<std::string, std::string>& values) {
  std::string page;
  std::size_t at = 0;
  while (true) {
    std::size_t open = text.find("@@", at);
    if (open == std::string::npos) break;
    std::size_t close = text.find("@@", open + 2);
    if (close == std::string::npos) break;
    auto value = values.find(text.substr(open + 2, close - open - 2));
    if (value == values.end()) throw ReportHtmlError("report template: unknown placeholder");
    page.append(text, at, open - at);
    page += value->second;
    at = close + 2;
  }
  page.append(text, at, std::string::npos);
  return page;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ReportHtmlError(path + ": cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string render_report_html(const std::vector<HtmlRun>& runs, const std::string& version) {
  if (runs.empty() || runs.size() > 2)
    throw ReportHtmlError("report: expected one or two report.json files, got " +
                          std::to_string(runs.size()));
  std::string data;
  std::string title = "mqttbed report";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    nlohmann::json report = parse_report(runs[i]);
    const nlohmann::json* scenario = report.contains("scenario") ? &report["scenario"] : nullptr;
    std::string name = scenario && scenario->is_object() && scenario->contains("name") &&
                               (*scenario)["name"].is_string()
                           ? (*scenario)["name"].get<std::string>()
                           : std::string("?");
    title += (i == 0 ? " — " : " vs ") + name;
    data += "<script type=\"application/json\" class=\"mqttbed-run\" id=\"run-" +
            std::to_string(i) + "\" data-label=\"" + html_escape(runs[i].label) + "\">" +
            json_for_script(report) + "</script>\n";
  }
  return fill_template(assets::kReportHtml, {{"VERSION", html_escape(version)},
                                             {"TITLE", html_escape(title)},
                                             {"RUN_DATA", data},
                                             {"UPLOT_CSS", assets::kUplotCss},
                                             {"REPORT_CSS", assets::kReportCss},
                                             {"UPLOT_JS", assets::kUplotJs},
                                             {"REPORT_JS", assets::kReportJs}});
}

void write_report_html(const std::string& html_path, const std::vector<std::string>& report_paths,
                       const std::string& version) {
  std::vector<HtmlRun> runs;
  for (const auto& path : report_paths) runs.push_back({path, read_file(path)});
  report::write_file_atomically(html_path, render_report_html(runs, version));
}

std::string default_html_path(const std::vector<std::string>& report_paths) {
  if (report_paths.empty()) return "report.html";
  std::filesystem::path dir = std::filesystem::path(report_paths.front()).parent_path();
  return (dir / (report_paths.size() > 1 ? "compare.html" : "report.html")).string();
}

}  // namespace mqttbed::reports
