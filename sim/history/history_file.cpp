#include "sim/history/history_file.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace mqttbed::history {
namespace {

constexpr const char* kFormatName = "mqttbed-history";
constexpr std::size_t kWriteBufferBytes = 1 << 20;

void append_string(std::string& out, const std::string& text) {
  out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void append_field(std::string& out, const char* key, const std::string& text) {
  out += ",\"";
  out += key;
  out += "\":";
  append_string(out, text);
}

template <typename Number>
void append_field(std::string& out, const char* key, Number value) {
  out += ",\"";
  out += key;
  out += "\":";
  out += std::to_string(value);
}

void append_flag(std::string& out, const char* key, bool value) {
  if (!value) return;
  out += ",\"";
  out += key;
  out += "\":true";
}

nlohmann::json info_to_json(const HistoryFileInfo& info) {
  return {{"format", kFormatName},
          {"version", info.version},
          {"end_ns", info.end_ns},
          {"settle_start_ns", info.settle_start_ns},
          {"checks", info.checks},
          {"retained_survive_restart", info.retained_survive_restart},
          {"broker_ordering", info.broker_ordering},
          {"payload_limit_bytes", info.payload_limit_bytes},
          {"scenario_file", info.scenario_file},
          {"seed", info.seed}};
}

constexpr std::uint16_t kUnrecordedKeepaliveS = 80;

[[noreturn]] void fail(const std::string& path, std::uint64_t line, const std::string& why) {
  throw HistoryFileError(path + ":" + std::to_string(line) + ": " + why);
}

Event event_from_json(const nlohmann::json& j, History& history) {
  Event event;
  event.time_ns = j.at("t").get<std::int64_t>();
  if (!event_type_from_string(j.at("e").get<std::string>(), &event.type)) {
    throw std::runtime_error("unknown event type \"" + j.at("e").get<std::string>() + "\"");
  }
  event.client = history.client_id(j.value("c", std::string()));
  event.topic = history.string_id(j.value("topic", std::string()));
  event.qos = j.value("qos", std::uint8_t{0});
  event.publish_qos = j.value("pqos", event.qos);
  event.retain = j.value("retain", false);
  event.dup = j.value("dup", false);
  event.session_present = j.value("sp", false);
  event.is_will = j.value("will", false);
  if (event.type == EventType::connect_sent) {
    // Histories written before keepalives were recorded: 80 s, which reproduces the fixed
    // 120 s slack (1.5 x 80) their checkers assumed.
    event.keepalive_s = j.value("ka", kUnrecordedKeepaliveS);
  }
  event.code = j.value("code", 0);
  if (j.contains("pub")) {
    event.msg = {history.client_id(j.at("pub").get<std::string>()),
                 j.value("seq", std::uint64_t{0})};
  }
  event.bytes = j.value("bytes", std::uint32_t{0});
  std::string detail = j.value("detail", std::string());
  // Payload details (shadow documents) are one-off: held briefly, as when they were recorded.
  event.detail = !detail.empty() && detail.front() == '{'
                     ? history.transient_string_id(std::move(detail))
                     : history.string_id(detail);
  event.app_seq = j.value("app_seq", std::uint32_t{0});
  event.app_total = j.value("app_total", std::uint32_t{0});
  event.expiry_s = j.value("exp", std::uint32_t{0});
  event.sub_options = j.value("so", std::uint8_t{0});
  if (event.type == EventType::delivered) {
    event.sub_ids = history.string_id(j.value("sids", std::string()));
  } else {
    event.sub_ids = j.value("sid", std::uint32_t{0});
  }
  if (j.contains("props")) event.properties = history.string_id(j.at("props").get<std::string>());
  return event;
}

void read_window(const nlohmann::json& j, HistoryFileInfo& info) {
  info.end_ns = j.value("end_ns", info.end_ns);
  info.settle_start_ns = j.value("settle_start_ns", info.settle_start_ns);
}

// The header is line 1 by construction.
HistoryFileInfo parse_header(const std::string& path, const std::string& line) {
  const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.value("format", std::string()) != kFormatName) {
    fail(path, 1, "not an mqttbed history (missing header line)");
  }
  HistoryFileInfo info;
  info.version = j.value("version", 0);
  if (info.version != kHistoryFormatVersion) {
    fail(path, 1, "unsupported history version " + std::to_string(info.version));
  }
  read_window(j, info);
  info.checks = j.value("checks", std::vector<std::string>{});
  info.retained_survive_restart = j.value("retained_survive_restart", true);
  info.broker_ordering = j.value("broker_ordering", true);
  info.payload_limit_bytes = j.value("payload_limit_bytes", std::int64_t{0});
  info.scenario_file = j.value("scenario_file", std::string());
  info.seed = j.value("seed", std::uint64_t{0});
  return info;
}

}  // namespace

std::string event_to_json_line(const Event& event, const History& history) {
  std::string out = "{\"t\":" + std::to_string(event.time_ns);
  out += ",\"e\":\"";
  out += to_string(event.type);
  out += '"';
  append_field(out, "c", history.client_name(event.client));
  if (event.topic != 0) append_field(out, "topic", history.string(event.topic));
  if (event.qos != 0) append_field(out, "qos", static_cast<int>(event.qos));
  if (event.publish_qos != event.qos) append_field(out, "pqos", int{event.publish_qos});
  append_flag(out, "retain", event.retain);
  append_flag(out, "dup", event.dup);
  append_flag(out, "sp", event.session_present);
  append_flag(out, "will", event.is_will);
  // Always on connect_sent, 0 included: an absent "ka" marks an older file (see the reader).
  if (event.type == EventType::connect_sent) append_field(out, "ka", int{event.keepalive_s});
  if (event.code != 0) append_field(out, "code", event.code);
  if (event.msg.seq != 0) {
    append_field(out, "pub", history.client_name(event.msg.publisher));
    append_field(out, "seq", event.msg.seq);
  }
  if (event.bytes != 0) append_field(out, "bytes", event.bytes);
  if (event.detail != 0) append_field(out, "detail", history.string(event.detail));
  if (event.app_total != 0) {
    append_field(out, "app_seq", event.app_seq);
    append_field(out, "app_total", event.app_total);
  }
  if (event.expiry_s != 0) append_field(out, "exp", event.expiry_s);
  if (event.sub_options != 0) append_field(out, "so", int{event.sub_options});
  if (event.sub_ids != 0 && event.type == EventType::delivered) {
    append_field(out, "sids", history.string(event.sub_ids));
  } else if (event.sub_ids != 0) {
    append_field(out, "sid", event.sub_ids);
  }
  if (event.properties != 0) append_field(out, "props", history.string(event.properties));
  out += '}';
  return out;
}

HistoryWriter::HistoryWriter(const std::string& path, const History& history,
                             const HistoryFileInfo& info)
    : path_(path), history_(history), info_(info) {
  file_ = std::fopen((path_ + ".tmp").c_str(), "wb");
  if (file_ == nullptr) throw std::runtime_error(path_ + ".tmp: cannot open for writing");
  std::setvbuf(file_, nullptr, _IOFBF, kWriteBufferBytes);
  info_.version = kHistoryFormatVersion;
  const std::string header = info_to_json(info_).dump() + "\n";
  std::fwrite(header.data(), 1, header.size(), file_);
}

HistoryWriter::~HistoryWriter() {
  if (file_ == nullptr) return;
  try {
    close();
  } catch (const std::exception&) {
    // A destructor must not throw; close() is the way to see the error.
  }
}

void HistoryWriter::attach(History& history) {
  history.add_observer([this](const Event& event) { write(event); });
}

void HistoryWriter::write(const Event& event) {
  if (file_ == nullptr) return;
  line_ = event_to_json_line(event, history_);
  line_ += '\n';
  std::fwrite(line_.data(), 1, line_.size(), file_);
  ++info_.events;
}

void HistoryWriter::close(std::int64_t end_ns, std::int64_t settle_start_ns) {
  if (file_ == nullptr) return;
  if (end_ns >= 0) info_.end_ns = end_ns;
  if (settle_start_ns >= 0) info_.settle_start_ns = settle_start_ns;
  const nlohmann::json end = {{"end", true},
                              {"end_ns", info_.end_ns},
                              {"settle_start_ns", info_.settle_start_ns},
                              {"events", info_.events}};
  const std::string line = end.dump() + "\n";
  std::fwrite(line.data(), 1, line.size(), file_);
  const bool write_failed = std::ferror(file_) != 0;
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (write_failed || close_failed) throw std::runtime_error(path_ + ".tmp: write failed");
  if (std::rename((path_ + ".tmp").c_str(), path_.c_str()) != 0) {
    throw std::runtime_error(path_ + ": cannot rename " + path_ + ".tmp into place");
  }
}

HistoryFileInfo read_history_header(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw HistoryFileError(path + ": cannot open");
  std::string line;
  std::getline(in, line);
  return parse_header(path, line);
}

namespace {

// One input of merge_history_files: its next event, parsed ahead.
struct MergeSource {
  std::string path;
  std::ifstream in;
  std::uint64_t number = 0;
  HistoryFileInfo info;
  bool have_next = false;
  Event next;

  // Reads up to the next event (header and end lines are taken as they come).
  void advance(History& history) {
    have_next = false;
    std::string line;
    while (std::getline(in, line)) {
      ++number;
      if (line.empty()) continue;
      if (number == 1) {
        info = parse_header(path, line);
        continue;
      }
      const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (!j.is_object()) fail(path, number, "not a JSON object");
      if (j.contains("end")) {
        read_window(j, info);
        continue;
      }
      try {
        next = event_from_json(j, history);
      } catch (const std::exception& error) {
        fail(path, number, error.what());
      }
      have_next = true;
      return;
    }
    if (number == 0) fail(path, number, "empty file (missing header line)");
  }
};

}  // namespace

HistoryFileInfo merge_history_files(const std::vector<std::string>& paths, History& history) {
  std::vector<std::unique_ptr<MergeSource>> sources;
  for (const auto& path : paths) {
    auto source = std::make_unique<MergeSource>();
    source->path = path;
    source->in.open(path);
    if (!source->in) throw std::runtime_error(path + ": cannot open");
    source->advance(history);
    sources.push_back(std::move(source));
  }
  std::uint64_t events = 0;
  for (;;) {
    MergeSource* first = nullptr;
    for (auto& source : sources)
      if (source->have_next && (first == nullptr || source->next.time_ns < first->next.time_ns))
        first = source.get();
    if (first == nullptr) break;
    history.append(first->next);
    ++events;
    first->advance(history);
  }
  HistoryFileInfo info = sources.empty() ? HistoryFileInfo{} : sources.front()->info;
  info.events = events;
  return info;
}

HistoryFileInfo read_history_file(const std::string& path, History& history, bool partial) {
  std::ifstream in(path);
  if (!in) throw HistoryFileError(path + ": cannot open");
  HistoryFileInfo info;
  std::string line;
  std::uint64_t number = 0;
  bool have_header = false;
  bool have_end = false;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    // getline hit end-of-file before a newline: the writer was stopped mid-line.
    const bool cut_off = in.eof();
    if (!have_header) {
      info = parse_header(path, line);
      have_header = true;
      continue;
    }
    const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) {
      if (partial && cut_off) break;
      fail(path, number,
           cut_off ? "not a JSON object (the last line is cut off: a run killed mid-way? "
                     "--partial judges it up to its last complete event)"
                   : "not a JSON object");
    }
    if (j.contains("end")) {
      read_window(j, info);
      have_end = true;
    } else {
      Event event;
      try {
        event = event_from_json(j, history);
      } catch (const std::exception& error) {
        if (partial && cut_off) break;
        fail(path, number, error.what());
      }
      history.append(event);
      ++info.events;
      info.last_complete_line = number;
      info.last_event_ns = event.time_ns;
    }
  }
  if (!have_header) fail(path, number, "empty file (missing header line)");
  if (!have_end && !partial)
    fail(path, number,
         "the history ends without its end line (a run killed mid-way? --partial judges it up "
         "to its last complete event)");
  if (!have_end) {
    const std::int64_t settle_ns = std::max<std::int64_t>(0, info.end_ns - info.settle_start_ns);
    info.truncated = true;
    info.end_ns = info.last_event_ns;
    info.settle_start_ns =
        std::max<std::int64_t>(1, std::min(info.settle_start_ns, info.last_event_ns - settle_ns));
  }
  return info;
}

}  // namespace mqttbed::history
