// Replacing a file so readers see either the old or the new content, never a torn one:
// write a sibling temporary, fsync it, rename it over the target.
#pragma once

#include <stdexcept>
#include <string>

namespace mqttbed::report {

class WriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writes `text` to PATH.tmp in the same directory, fsyncs it, renames it over `path` and
// fsyncs the directory. On any failure the temporary is removed, `path` is left as it was,
// and WriteError names the step, the file and the system's reason.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace mqttbed::report
