// The seed talk's seq/total technique for data larger than the broker's payload limit: the
// sender splits an upload into chunks (upload id, seq 1..total, the whole upload's hash), each
// within the limit; the receiver reassembles them in any order, drops duplicates, and after
// a timeout gives up and reports the upload lost with its missing chunks. Both sides publish
// small JSON documents the reassembly checker reads from the history (docs/devices.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/runtime/runtime.h"

namespace mqttbed::devices {

// 16 hex digits of FNV-1a 64 over `bytes`: what "byte-identical" is judged by.
std::string content_hash(std::string_view bytes);

// The JSON of a chunk without its data, i.e. everything but the bytes: what a chunk costs
// on top of `data_bytes` of data for an upload id of `id_bytes`.
std::size_t chunk_header_bytes(std::size_t id_bytes, std::int64_t total);

// The chunk payloads of `content`, `data_per_chunk` bytes of it each (the last shorter):
// {"upload":ID,"seq":K,"total":N,"sha":HASH,"data":"..."}. `content` must be JSON-string
// safe (the sender draws it from letters). data_per_chunk >= 1.
std::vector<std::string> split_upload(const std::string& id, std::string_view content,
                                      std::size_t data_per_chunk);

// A receiver's reassembly of every upload it hears chunks of.
class Reassembler {
 public:
  explicit Reassembler(runtime::Duration timeout) : timeout_(timeout) {}

  // A message that may be a chunk (anything else: nullopt, ignored). Returns the report to
  // publish when it completes its upload: {"upload","status":"complete","total","sha"} with
  // the hash of what was reassembled. A chunk already held, or of an upload already
  // completed or given up, is a duplicate, dropped.
  std::optional<std::string> add(std::string_view payload, runtime::TimePoint now);
  // Uploads whose first chunk arrived `timeout` ago or more and are still incomplete: their
  // reports {"upload","status":"lost","total","missing":[seq...]}; they are done.
  std::vector<std::string> expire(runtime::TimePoint now);
  // The earliest time expire() has something to do, if any upload is open.
  std::optional<runtime::TimePoint> next_deadline() const;
  // Forget everything (a reboot).
  void clear();

 private:
  struct Open {
    std::int64_t total = 0;
    std::string sha;
    runtime::TimePoint first{0};
    std::map<std::int64_t, std::string> data;  // by seq
  };
  runtime::Duration timeout_;
  std::map<std::string, Open> open_;
  std::set<std::string> done_;
};

}  // namespace mqttbed::devices
