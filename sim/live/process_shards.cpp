#include "sim/live/process_shards.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sim/history/history_file.h"

namespace mqttbed::live {

using std::chrono::nanoseconds;

int process_count(const LiveOptions& options, std::size_t slots) {
  if (options.processes > 0) return options.processes;
  std::size_t per = static_cast<std::size_t>(std::max(1, options.clients_per_process));
  if (slots + 1 <= per) return 1;
  // Sharded, the cloud services (the shadow service: every device's shadow traffic fans in
  // there) get a process of their own, so their Paho has one client to look through per packet.
  return 1 + static_cast<int>((slots + per - 1) / per);
}

int shard_of(std::size_t device, std::size_t slots, int count) {
  if (device >= slots || count <= 1) return 0;
  return 1 + static_cast<int>(device * static_cast<std::size_t>(count - 1) / slots);
}

devices::Observations collecting_observations(Observed& observed) {
  devices::Observations observations;
  observations.on_command_round_trip = [&observed](const devices::CommandRoundTrip& trip) {
    observed.round_trips.push_back(trip);
  };
  observations.on_command_superseded = [&observed](const std::string& app,
                                                   const std::string& thing) {
    observed.superseded.emplace_back(app, thing);
  };
  return observations;
}

void write_observations(const std::string& path, const Observed& observed) {
  std::FILE* obs = std::fopen(path.c_str(), "w");
  if (obs == nullptr) throw std::runtime_error("cannot write the shard's observations");
  for (const auto& trip : observed.round_trips)
    std::fprintf(obs, "rt\t%s\t%s\t%lld\t%lld\n", trip.app.c_str(), trip.thing.c_str(),
                 static_cast<long long>(trip.sent_at.count()),
                 static_cast<long long>(trip.round_trip.count()));
  for (const auto& [app, thing] : observed.superseded)
    std::fprintf(obs, "sup\t%s\t%s\n", app.c_str(), thing.c_str());
  if (std::fclose(obs) != 0) throw std::runtime_error("cannot write the shard's observations");
}

void replay_observations(const std::string& path, const devices::Observations& observations) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::size_t from = 0;
    for (std::size_t tab; (tab = line.find('\t', from)) != std::string::npos; from = tab + 1)
      fields.push_back(line.substr(from, tab - from));
    fields.push_back(line.substr(from));
    if (fields[0] == "rt" && fields.size() == 5 && observations.on_command_round_trip) {
      observations.on_command_round_trip(
          devices::CommandRoundTrip{fields[1], fields[2], nanoseconds(std::stoll(fields[3])),
                                    nanoseconds(std::stoll(fields[4]))});
    } else if (fields[0] == "sup" && fields.size() == 3 && observations.on_command_superseded) {
      observations.on_command_superseded(fields[1], fields[2]);
    }
  }
}

namespace {

// A temporary folder for the children's files, removed with everything in it.
class ShardDirectory {
 public:
  ShardDirectory() {
    char dir_template[] = "/tmp/mqttbed-live-shards-XXXXXX";
    if (mkdtemp(dir_template) == nullptr)
      throw std::runtime_error(std::string("live run: mkdtemp: ") + std::strerror(errno));
    path_ = dir_template;
  }
  ~ShardDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ShardDirectory(const ShardDirectory&) = delete;
  ShardDirectory& operator=(const ShardDirectory&) = delete;

  // DIR/shard-I.EXT: where process I leaves its history (jsonl) and observations (obs).
  std::string file(int index, const char* extension) const {
    return path_ + "/shard-" + std::to_string(index) + "." + extension;
  }

 private:
  std::string path_;
};

void write_line(int fd, const std::string& line) {
  std::string text = line + "\n";
  [[maybe_unused]] auto written = write(fd, text.data(), text.size());
}

// A child process: runs its shard and reports on `fd` ("progress EVENTS CONNECTED",
// "warn TEXT", "error TEXT", "stats EVENTS WIRE_BYTES RESETS"). Returns the exit code.
int run_child(const ShardedRun& run, Shard shard, history::History& record,
              const Observed& observed, const ShardBody& body, const ShardDirectory& dir, int fd) {
  try {
    history::HistoryFileInfo info;
    info.end_ns = run.end.count();
    info.settle_start_ns = run.settle_start.count();
    history::HistoryWriter writer(dir.file(shard.index, "jsonl"), record, info);
    writer.attach(record);
    Warn warn = [fd](const std::string& message) { write_line(fd, "warn " + message); };
    ProgressReport report = [fd](nanoseconds, std::uint64_t events, int connected) {
      write_line(fd, "progress " + std::to_string(events) + " " + std::to_string(connected));
    };
    ShardResult result = body(shard, warn, report);
    writer.close();
    write_observations(dir.file(shard.index, "obs"), observed);
    write_line(fd, "stats " + std::to_string(result.events) + " " +
                       std::to_string(result.wire_bytes) + " " + std::to_string(result.resets));
    return 0;
  } catch (const std::exception& error) {
    write_line(fd, std::string("error ") + error.what());
    return 1;
  }
}

struct Child {
  pid_t pid = -1;
  int fd = -1;
  std::string buffer;
  std::uint64_t events = 0;
  int connected = 0;
  std::string error;
  ShardResult result;
  bool done = false;
};

// Takes the whole lines a child wrote so far.
void read_child(Child& child, const Warn& warn) {
  char chunk[4096];
  ssize_t got = read(child.fd, chunk, sizeof chunk);
  if (got <= 0) {
    if (got == 0 || (errno != EINTR && errno != EAGAIN)) child.done = true;
    return;
  }
  child.buffer.append(chunk, static_cast<std::size_t>(got));
  for (std::size_t newline; (newline = child.buffer.find('\n')) != std::string::npos;) {
    std::string line = child.buffer.substr(0, newline);
    child.buffer.erase(0, newline + 1);
    std::istringstream fields(line);
    std::string kind;
    fields >> kind;
    if (kind == "progress") {
      fields >> child.events >> child.connected;
    } else if (kind == "stats") {
      fields >> child.result.events >> child.result.wire_bytes >> child.result.resets;
    } else if (kind == "warn") {
      warn(line.substr(5));
    } else if (kind == "error") {
      child.error = line.substr(6);
    }
  }
}

// Progress while the children run, their warnings and errors, until every pipe closes.
void follow_children(std::vector<Child>& children, std::chrono::steady_clock::time_point epoch,
                     nanoseconds end,
                     const std::function<void(const fleet::Progress&)>& on_progress,
                     const Warn& warn) {
  auto last_report = std::chrono::steady_clock::now();
  for (;;) {
    std::vector<pollfd> waiting;
    std::vector<Child*> owners;
    for (auto& child : children) {
      if (child.done) continue;
      waiting.push_back(pollfd{child.fd, POLLIN, 0});
      owners.push_back(&child);
    }
    if (waiting.empty()) return;
    poll(waiting.data(), waiting.size(), 1000);
    for (std::size_t k = 0; k < waiting.size(); ++k)
      if (waiting[k].revents != 0) read_child(*owners[k], warn);
    auto now = std::chrono::steady_clock::now();
    if (on_progress && now - last_report >= std::chrono::seconds(1)) {
      last_report = now;
      fleet::Progress progress{
          std::max(nanoseconds(0), std::chrono::duration_cast<nanoseconds>(now - epoch)), end};
      for (const auto& child : children) {
        progress.events += child.events;
        progress.connected_clients += static_cast<std::uint64_t>(child.connected);
      }
      on_progress(progress);
    }
  }
}

// Waits for every child; the first failure's description, or "" when all succeeded.
std::string reap_children(std::vector<Child>& children) {
  std::string failure;
  for (std::size_t i = 0; i < children.size(); ++i) {
    Child& child = children[i];
    close(child.fd);
    int status = 0;
    waitpid(child.pid, &status, 0);
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok && failure.empty()) {
      failure = "live run: process " + std::to_string(i + 1) + " of " +
                std::to_string(children.size()) + " failed: " +
                (!child.error.empty() ? child.error
                 : WIFSIGNALED(status)
                     ? std::string("killed by signal ") + std::to_string(WTERMSIG(status))
                     : "exit status " + std::to_string(WEXITSTATUS(status)));
    }
  }
  return failure;
}

}  // namespace

ShardResult run_in_processes(const ShardedRun& run, LiveLoop& loop, history::History& record,
                             const Observed& observed, const ShardBody& body,
                             const std::function<void(const fleet::Progress&)>& on_progress,
                             const Warn& warn, const std::function<void()>& after_children,
                             history::History& history, const devices::Observations& observations) {
  ShardDirectory dir;
  // One clock for all, starting shortly after the last fork.
  const auto epoch = std::chrono::steady_clock::now() + std::chrono::milliseconds(200) +
                     std::chrono::milliseconds(20) * run.processes;
  loop.start_clock_at(epoch);
  std::vector<Child> children(static_cast<std::size_t>(run.processes));
  std::fflush(nullptr);
  auto abandon = [&](const char* what) {
    std::string message = std::string("live run: ") + what + ": " + std::strerror(errno);
    for (auto& child : children) {
      if (child.pid <= 0) continue;
      kill(child.pid, SIGKILL);
      waitpid(child.pid, nullptr, 0);
      close(child.fd);
    }
    throw std::runtime_error(message);
  };
  for (int i = 0; i < run.processes; ++i) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) abandon("pipe");
    pid_t pid = fork();
    if (pid < 0) {
      close(fds[0]);
      close(fds[1]);
      abandon("fork");
    }
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the run
      close(fds[0]);
      for (int j = 0; j < i; ++j) close(children[static_cast<std::size_t>(j)].fd);
      int code = run_child(run, Shard{i, run.processes}, record, observed, body, dir, fds[1]);
      std::_Exit(code);  // nothing of the parent's is torn down in the child
    }
    close(fds[1]);
    children[static_cast<std::size_t>(i)].pid = pid;
    children[static_cast<std::size_t>(i)].fd = fds[0];
  }
  follow_children(children, epoch, run.end, on_progress, warn);
  const std::string failure = reap_children(children);
  after_children();
  if (!failure.empty()) throw std::runtime_error(failure);

  // One history, in time order, judged once by the observers of `history`.
  std::vector<std::string> paths;
  paths.reserve(static_cast<std::size_t>(run.processes));
  for (int i = 0; i < run.processes; ++i) paths.push_back(dir.file(i, "jsonl"));
  history::merge_history_files(paths, history);
  for (int i = 0; i < run.processes; ++i) replay_observations(dir.file(i, "obs"), observations);
  ShardResult total;
  for (const auto& child : children) {
    total.events += child.result.events;
    total.wire_bytes += child.result.wire_bytes;
    total.resets += child.result.resets;
  }
  return total;
}

}  // namespace mqttbed::live
