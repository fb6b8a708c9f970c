// Runs the built `mqttbed` binary as a user would and captures its exit code and output.
#pragma once

#include <string>

namespace mqttbed::testing {

struct CliResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// `arguments` is appended to the binary's path as-is (shell words).
CliResult run_mqttbed(const std::string& arguments);
std::string read_file(const std::string& path);
// A fresh, empty directory under the build tree for one test.
std::string scratch_dir(const std::string& name);

}  // namespace mqttbed::testing
