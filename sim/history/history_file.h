// The history as a JSON Lines file (`--history`): a header line, one event per line, and an
// end line; so a run can be re-judged later (`mqttbed check HISTORY`) with nothing else.
#pragma once

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/history/event.h"
#include "sim/history/history.h"

namespace mqttbed::history {

inline constexpr int kHistoryFormatVersion = 1;

// A history file that cannot be read as one: "PATH:LINE: why" (or "PATH: cannot open"). Bad
// input, not a failed run: the CLI maps it to exit code 2.
class HistoryFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a re-judge needs besides the events: the settle window and the checks to run.
// Header line: {"format":"mqttbed-history","version":1,"end_ns":..,"settle_start_ns":..,
// "checks":[..],"retained_survive_restart":true}. The writer also ends the file with
// {"end":true,"end_ns":.., "settle_start_ns":..,"events":N}, whose values win over the header's
// (the real run end).
struct HistoryFileInfo {
  int version = kHistoryFormatVersion;
  std::int64_t end_ns = 0;
  std::int64_t settle_start_ns = 0;
  std::vector<std::string> checks;
  // The scenario's `broker: {persistence}`: retained messages and sessions survive a restart
  // (CheckContext::broker_persistence; the key keeps its first name for old files).
  bool retained_survive_restart = true;
  // The scenario's `broker: {ordering, payload_limit}` (CheckContext's fields of those names).
  bool broker_ordering = true;
  std::int64_t payload_limit_bytes = 0;
  // The scenario the run loaded (absolute path) and its seed: `mqttbed check` judges
  // `isolation` and `authorization` by that scenario's policy and identity scheme. Empty in
  // files written before (then the default policy applies).
  std::string scenario_file = {};
  std::uint64_t seed = 0;
  std::uint64_t events = 0;
  // Read with partial = true from a file cut short (no end line, or a last line cut off):
  // judged up to its last complete event, at last_event_ns on line last_complete_line.
  bool truncated = false;
  std::uint64_t last_complete_line = 0;
  std::int64_t last_event_ns = 0;
};

// An observer of a History that streams each event as one JSON line. Writes to PATH.tmp,
// buffered, and renames it to PATH on close(), so a crash never leaves a half file at PATH.
class HistoryWriter {
 public:
  // Throws std::runtime_error if PATH.tmp cannot be opened.
  HistoryWriter(const std::string& path, const History& history, const HistoryFileInfo& info);
  ~HistoryWriter();  // closes if close() was not called (keeps the file)
  HistoryWriter(const HistoryWriter&) = delete;
  HistoryWriter& operator=(const HistoryWriter&) = delete;

  // Hands this writer to `history` as an observer; the writer must outlive the run.
  void attach(History& history);
  void write(const Event& event);
  // Writes the end line with the final window and renames PATH.tmp to PATH. Throws
  // std::runtime_error on an I/O error. end_ns/settle_start_ns < 0 keep the header's values.
  void close(std::int64_t end_ns = -1, std::int64_t settle_start_ns = -1);

 private:
  std::string path_;
  const History& history_;
  HistoryFileInfo info_;
  std::FILE* file_ = nullptr;
  std::string line_;
};

// One event as a JSON object (names and strings resolved), the line format of the file.
std::string event_to_json_line(const Event& event, const History& history);

// Streams PATH's events into `history` (names interned, observers called in file order) and
// returns the header/end information. Throws HistoryFileError with "PATH:LINE: why" on a
// malformed line, a missing header, an unsupported version or a missing end line (a run cut
// short). With `partial`, a file cut short is read up to its last complete event (a cut-off
// last line is dropped) and the window ends there: end_ns = last_event_ns, and publishes
// within the planned settle time before it are not owed (settle_start_ns moves back).
HistoryFileInfo read_history_file(const std::string& path, History& history, bool partial = false);
// Streams the events of several history files into `history` as one, in time order (a
// k-way merge on "t"; at equal times, the earlier file first), e.g. the shards of a live run
// split across processes that share one clock. Returns the first file's header/end
// information with `events` the total. Throws as read_history_file.
HistoryFileInfo merge_history_files(const std::vector<std::string>& paths, History& history);
// Only the header line's information (the end line is not read: end_ns may be the planned one).
HistoryFileInfo read_history_header(const std::string& path);

}  // namespace mqttbed::history
