// The seed talk's seq/total technique for uploads split into chunks (devices/chunked_upload.h):
// every split message a receiver heard of is reassembled exactly once, byte-identical to
// what was sent, or reported lost with exactly the chunks it never got.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/violation_log.h"

namespace mqttbed::check {

// Reads the documents the recorder keeps for published chunks ({"upload","seq","total",
// "sha"}) and receivers' reports ({"upload","status":"complete","sha"} or
// {"upload","status":"lost","missing":[...]}); a delivered chunk is known by its message
// identity. Not an MQTT rule but the application's contract, judged per (upload, receiver)
// for every receiver that was delivered at least one of its chunks:
//  - exactly one report (none: lost, when the first chunk arrived before the settle window
//    began and the receiver was not rebooted since; two or more: duplicated);
//  - "complete": every chunk was delivered to it before, and its hash equals the sender's;
//  - "lost": "missing" names exactly the chunks not delivered to it before the report.
// A report on an upload the receiver never got a chunk of is unexpected. Whether chunks
// arrive at all is the QoS checkers' business; in which order, nobody's (any order is fine).
class ReassemblyChecker : public Checker {
 public:
  const char* name() const override { return "reassembly"; }
  void observe(const history::Event& event, const history::History& history) override;
  Verdict finish(const CheckContext& context) override;

 private:
  struct Upload {
    std::string id;
    std::uint32_t sender = 0;
    std::uint32_t topic = 0;
    std::int64_t total = 0;
    std::string sha;
  };
  struct Report {
    history::Event event;
    bool complete = false;
    std::string sha;
    std::set<std::int64_t> missing;
    std::set<std::int64_t> had;  // chunks delivered to the receiver before this report
  };
  struct Receipt {
    std::set<std::int64_t> chunks;  // delivered so far
    std::int64_t first_ns = -1;     // first chunk delivered
    history::Event first;
    std::vector<Report> reports;
  };
  struct Chunk {
    std::uint32_t upload = 0;
    std::int64_t seq = 0;
  };

  void on_sent(const history::Event& event, const history::History& history);
  void on_delivered(const history::Event& event);
  void judge(std::uint32_t upload, std::uint32_t receiver, const Receipt& receipt,
             const CheckContext& context, Counts& counts, ViolationLog& log) const;

  const history::History* history_ = nullptr;
  std::vector<Upload> uploads_;
  std::unordered_map<std::string, std::uint32_t> upload_index_;          // by id
  std::unordered_map<std::uint64_t, Chunk> chunks_;                      // pair_key(publisher, seq)
  std::map<std::pair<std::uint32_t, std::uint32_t>, Receipt> receipts_;  // (upload, receiver)
  std::map<std::uint32_t, std::vector<std::int64_t>> reboots_;           // client -> times
};

}  // namespace mqttbed::check
