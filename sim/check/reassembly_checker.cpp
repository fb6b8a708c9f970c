#include "sim/check/reassembly_checker.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "sim/check/seq_set.h"

namespace mqttbed::check {

using history::Event;
using history::EventType;
using nlohmann::json;

namespace {

std::string seq_list(const std::set<std::int64_t>& seqs) {
  std::string out;
  for (std::int64_t seq : seqs) out += (out.empty() ? "" : ",") + std::to_string(seq);
  return "[" + out + "]";
}

}  // namespace

void ReassemblyChecker::observe(const Event& event, const history::History& history) {
  history_ = &history;
  switch (event.type) {
    case EventType::publish_sent:
      if (event.detail != 0) on_sent(event, history);
      break;
    case EventType::delivered:
      if (event.msg.seq != 0) on_delivered(event);
      break;
    case EventType::fault: {
      // "begin device_reboot ...": the target's memory, and its reassembly, is gone. The
      // event's client is the one target, or "*" for several (then any may have been).
      const std::string& text = history.string(event.detail);
      const std::string prefix = "begin device_reboot ";
      if (text.compare(0, prefix.size(), prefix) == 0)
        reboots_[event.client].push_back(event.time_ns);
      break;
    }
    default:
      break;
  }
}

void ReassemblyChecker::on_sent(const Event& event, const history::History& history) {
  const std::string& text = history.string(event.detail);
  if (text.empty() || text.front() != '{') return;
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("upload") || !doc["upload"].is_string()) return;
  const std::string id = doc["upload"];
  if (doc.contains("seq") && doc["seq"].is_number_integer()) {  // a chunk
    auto [it, fresh] = upload_index_.try_emplace(id, static_cast<std::uint32_t>(uploads_.size()));
    if (fresh) {
      uploads_.push_back({id, event.msg.publisher, event.topic, doc.value("total", std::int64_t{0}),
                          doc.value("sha", std::string())});
    }
    chunks_[pair_key(event.msg.publisher, event.msg.seq)] = {it->second,
                                                             doc["seq"].get<std::int64_t>()};
    return;
  }
  const std::string status = doc.value("status", std::string());
  if (status != "complete" && status != "lost") return;
  const auto upload = upload_index_.find(id);
  Report report{event, status == "complete", doc.value("sha", std::string()), {}, {}};
  if (doc.contains("missing") && doc["missing"].is_array()) {
    for (const json& seq : doc["missing"])
      if (seq.is_number_integer()) report.missing.insert(seq.get<std::int64_t>());
  }
  const std::uint32_t index = upload == upload_index_.end() ? UINT32_MAX : upload->second;
  Receipt& receipt = receipts_[{index, event.client}];
  report.had = receipt.chunks;
  receipt.reports.push_back(std::move(report));
}

void ReassemblyChecker::on_delivered(const Event& event) {
  const auto chunk = chunks_.find(pair_key(event.msg.publisher, event.msg.seq));
  if (chunk == chunks_.end()) return;
  Receipt& receipt = receipts_[{chunk->second.upload, event.client}];
  if (receipt.first_ns < 0) {
    receipt.first_ns = event.time_ns;
    receipt.first = event;
  }
  receipt.chunks.insert(chunk->second.seq);
}

void ReassemblyChecker::judge(std::uint32_t index, std::uint32_t receiver, const Receipt& receipt,
                              const CheckContext& context, Counts& counts,
                              ViolationLog& log) const {
  const history::History& h = *history_;
  ++counts.checked;
  const auto fail = [&](std::string invariant, const Event* evidence) {
    Violation v{std::move(invariant), "seq/total reassembly (docs/checks.md)", {}, {}, {}, {}};
    if (index != UINT32_MAX) {
      const Upload& upload = uploads_[index];
      v.clients = {h.client_name(upload.sender), h.client_name(receiver)};
      v.topic = h.string(upload.topic);
      v.messages = {upload.id};
    } else {
      v.clients = {h.client_name(receiver)};
    }
    if (log.wants_detail()) {
      if (receipt.first_ns >= 0) v.excerpt.push_back(describe_event(receipt.first, h));
      if (evidence != nullptr) v.excerpt.push_back(describe_event(*evidence, h));
    }
    log.add(std::move(v));
  };
  if (index == UINT32_MAX || receipt.first_ns < 0) {
    ++counts.unexpected;
    fail("a report names an upload the receiver never got a chunk of",
         &receipt.reports.front().event);
    return;
  }
  const Upload& upload = uploads_[index];
  if (receipt.reports.empty()) {
    bool rebooted = false;
    for (const auto& [client, times] : reboots_) {
      if (client != receiver && h.client_name(client) != "*") continue;
      for (std::int64_t t : times) rebooted = rebooted || t >= receipt.first_ns;
    }
    if (rebooted || receipt.first_ns >= context.deadline_ns()) {
      ++counts.indeterminate;  // its memory is gone, or its timeout may run past the end
      return;
    }
    ++counts.lost;
    fail("an upload a receiver got chunks of is reported complete or lost (it never was: " +
             std::to_string(receipt.chunks.size()) + " of " + std::to_string(upload.total) +
             " chunks arrived)",
         nullptr);
    return;
  }
  if (receipt.reports.size() > 1) {
    ++counts.duplicated;
    fail("an upload is reassembled or given up exactly once (" +
             std::to_string(receipt.reports.size()) + " reports)",
         &receipt.reports[1].event);
    return;
  }
  const Report& report = receipt.reports.front();
  std::set<std::int64_t> not_had;
  for (std::int64_t seq = 1; seq <= upload.total; ++seq)
    if (report.had.count(seq) == 0) not_had.insert(seq);
  if (report.complete) {
    if (!not_had.empty()) {
      ++counts.unexpected;
      fail("an upload reported complete had every chunk delivered (missing " + seq_list(not_had) +
               ")",
           &report.event);
    } else if (report.sha != upload.sha) {
      ++counts.unexpected;
      fail("a reassembled upload is byte-identical to the one sent (hash " + report.sha +
               ", sent " + upload.sha + ")",
           &report.event);
    } else {
      ++counts.ok;
    }
    return;
  }
  if (report.missing != not_had) {
    ++counts.unexpected;
    fail("an upload reported lost names exactly the chunks not delivered (reported " +
             seq_list(report.missing) + ", not delivered " + seq_list(not_had) + ")",
         &report.event);
    return;
  }
  ++counts.ok;  // a loss correctly reported: the technique did its job
}

Verdict ReassemblyChecker::finish(const CheckContext& context) {
  Counts counts;
  ViolationLog log;
  for (const auto& [key, receipt] : receipts_) {
    judge(key.first, key.second, receipt, context, counts, log);
  }
  return log.verdict(name(), counts);
}

}  // namespace mqttbed::check
