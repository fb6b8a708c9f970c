#include "sim/report/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace mqttbed::report {
namespace {

[[noreturn]] void fail(const std::string& step, const std::string& file, int error) {
  throw WriteError("cannot " + step + " " + file + ": " + std::strerror(error));
}

// Closes the descriptor on every path out, so an exception never leaks it.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  // close() can report a deferred write error (NFS), so its result matters.
  int close() {
    int result = ::close(fd_);
    fd_ = -1;
    return result;
  }

 private:
  int fd_;
};

void write_all(int fd, const std::string& text, const std::string& file) {
  const char* data = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    ssize_t written = ::write(fd, data, left);
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) fail("write", file, errno);
    data += written;
    left -= static_cast<std::size_t>(written);
  }
}

void write_and_sync(const std::string& file, const std::string& text) {
  FileDescriptor fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) fail("create", file, errno);
  write_all(fd.get(), text, file);
  if (::fsync(fd.get()) != 0) fail("fsync", file, errno);
  if (fd.close() != 0) fail("close", file, errno);
}

// The rename is durable only once the directory entry is; a failure here is not fatal
// (some filesystems refuse fsync on directories) because the new content is in place.
void sync_directory(const std::string& directory) {
  FileDescriptor fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  try {
    write_and_sync(temporary, text);
    if (::rename(temporary.c_str(), path.c_str()) != 0)
      fail("rename " + temporary + " to", path, errno);
  } catch (const WriteError&) {
    // Only a regular file is ours to remove; a directory of that name belongs to someone else.
    std::error_code ignored;
    if (std::filesystem::is_regular_file(temporary, ignored)) {
      std::filesystem::remove(temporary, ignored);
    }
    throw;
  }
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  sync_directory(parent.empty() ? "." : parent.string());
}

}  // namespace mqttbed::report
