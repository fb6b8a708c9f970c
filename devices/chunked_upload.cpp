// Splitting an upload into chunks and reassembling them (the seed's seq/total technique).
#include "devices/chunked_upload.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace mqttbed::devices {
namespace {

using nlohmann::json;

json chunk_header(const std::string& id, std::int64_t seq, std::int64_t total,
                  const std::string& sha) {
  // Key order is the document's order (nlohmann sorts keys): "data","seq","sha","total",
  // "upload"; the recorder and checker read keys, never positions.
  return {{"upload", id}, {"seq", seq}, {"total", total}, {"sha", sha}};
}

}  // namespace

std::string content_hash(std::string_view bytes) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

std::size_t chunk_header_bytes(std::size_t id_bytes, std::int64_t total) {
  json header = chunk_header(std::string(id_bytes, 'x'), total, total, std::string(16, '0'));
  header["data"] = "";
  return header.dump().size();
}

std::vector<std::string> split_upload(const std::string& id, std::string_view content,
                                      std::size_t data_per_chunk) {
  const std::string sha = content_hash(content);
  const auto total =
      static_cast<std::int64_t>((content.size() + data_per_chunk - 1) / data_per_chunk);
  std::vector<std::string> chunks;
  for (std::int64_t seq = 1; seq <= total; ++seq) {
    json chunk = chunk_header(id, seq, total, sha);
    chunk["data"] =
        content.substr(static_cast<std::size_t>(seq - 1) * data_per_chunk, data_per_chunk);
    chunks.push_back(chunk.dump());
  }
  return chunks;
}

std::optional<std::string> Reassembler::add(std::string_view payload, runtime::TimePoint now) {
  if (payload.size() < 10 || payload.front() != '{') return std::nullopt;
  const json chunk = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!chunk.is_object() || !chunk.contains("upload") || !chunk.contains("data") ||
      !chunk["upload"].is_string() || !chunk["data"].is_string() ||
      !chunk.value("seq", json()).is_number_integer() ||
      !chunk.value("total", json()).is_number_integer()) {
    return std::nullopt;
  }
  const std::string id = chunk["upload"];
  const std::int64_t seq = chunk["seq"];
  const std::int64_t total = chunk["total"];
  if (done_.count(id) != 0 || seq < 1 || seq > total) return std::nullopt;  // duplicate
  auto [it, fresh] = open_.try_emplace(id);
  Open& upload = it->second;
  if (fresh) {
    upload.total = total;
    upload.sha = chunk.value("sha", "");
    upload.first = now;
  }
  upload.data.try_emplace(seq, chunk["data"].get<std::string>());  // a second copy: dropped
  if (static_cast<std::int64_t>(upload.data.size()) < upload.total) return std::nullopt;
  std::string content;
  for (const auto& [n, data] : upload.data) content += data;
  const json report = {
      {"upload", id}, {"status", "complete"}, {"total", total}, {"sha", content_hash(content)}};
  open_.erase(it);
  done_.insert(id);
  return report.dump();
}

std::vector<std::string> Reassembler::expire(runtime::TimePoint now) {
  std::vector<std::string> reports;
  for (auto it = open_.begin(); it != open_.end();) {
    if (now - it->second.first < timeout_) {
      ++it;
      continue;
    }
    json missing = json::array();
    for (std::int64_t seq = 1; seq <= it->second.total; ++seq) {
      if (it->second.data.count(seq) == 0) missing.push_back(seq);
    }
    reports.push_back(json{
        {"upload", it->first},
        {"status", "lost"},
        {"total", it->second.total},
        {"missing",
         missing}}.dump());
    done_.insert(it->first);
    it = open_.erase(it);
  }
  return reports;
}

std::optional<runtime::TimePoint> Reassembler::next_deadline() const {
  std::optional<runtime::TimePoint> earliest;
  for (const auto& [id, upload] : open_) {
    const runtime::TimePoint due = upload.first + timeout_;
    if (!earliest || due < *earliest) earliest = due;
  }
  return earliest;
}

void Reassembler::clear() {
  open_.clear();
  done_.clear();
}

}  // namespace mqttbed::devices
