#include "tensor/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tensor/error.h"

namespace kiln {

namespace {

// A temporary is named "NAME.tmp.XXXXXX"; mkstemp makes the Xs letters or digits.
constexpr std::string_view kTemporaryMarker = ".tmp.";
constexpr std::string_view kRandomPart = "XXXXXX";

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw Error(what + " '" + path + "': " + std::strerror(errno));
}

// Runs `cleanup`, keeping the errno of the failure that made it necessary.
template <typename Cleanup>
void keeping_errno(Cleanup cleanup) {
  const int saved = errno;
  cleanup();
  errno = saved;
}

// This process's umask, from /proc where the kernel shows it: reading it with umask() means
// setting it for a moment, which races with other threads creating files.
mode_t current_umask() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("Umask:", 0) == 0)
      return static_cast<mode_t>(std::strtoul(&line[6], nullptr, 8));
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return mask;
}

// The mode `path` must end with: that of the file it replaces, else that of a new file.
mode_t final_mode(const std::string& path) {
  struct stat existing {};
  if (::stat(path.c_str(), &existing) == 0) return existing.st_mode & 07777;
  return 0666 & ~current_umask();
}

// Writes all of `bytes` to `fd`; false with errno set when the system refuses.
bool write_all(int fd, std::string_view bytes) {
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    written += static_cast<size_t>(n);
  }
  return true;
}

// KILN_TEST_WRITE_PAUSE_MS: see the header.
void pause_for_tests() {
  static const long milliseconds = [] {
    const char* text = std::getenv("KILN_TEST_WRITE_PAUSE_MS");
    return text == nullptr ? 0L : std::strtol(text, nullptr, 10);
  }();
  if (milliseconds > 0) std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
}

// Makes a rename in `directory` durable: without this a crash can lose the new name.
void sync_directory(const std::filesystem::path& directory) {
  const int fd = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;  // not every file system lets a directory be opened; the data is synced
  ::fsync(fd);
  ::close(fd);
}

// Fills the temporary file `fd` and flushes it with its final mode; false with errno set.
bool fill_temporary(int fd, std::string_view bytes, mode_t mode) {
  if (!write_all(fd, bytes)) return false;
  pause_for_tests();
  return ::fchmod(fd, mode) == 0 && ::fsync(fd) == 0;
}

bool is_temporary_name(std::string_view name) {
  if (name.size() <= kTemporaryMarker.size() + kRandomPart.size()) return false;
  const std::string_view random = name.substr(name.size() - kRandomPart.size());
  return name.substr(name.size() - kRandomPart.size() - kTemporaryMarker.size(),
                     kTemporaryMarker.size()) == kTemporaryMarker &&
         std::all_of(random.begin(), random.end(), [](unsigned char c) { return std::isalnum(c); });
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view bytes) {
  std::string temporary = path + std::string(kTemporaryMarker) + std::string(kRandomPart);
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) fail("cannot write", path);
  // mkstemp creates the file for the owner only.
  const bool filled = fill_temporary(fd, bytes, final_mode(path));
  const bool closed = ::close(fd) == 0;
  if (!filled || !closed) {
    keeping_errno([&] { std::remove(temporary.c_str()); });
    fail("cannot write", path);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    keeping_errno([&] { std::remove(temporary.c_str()); });
    fail("cannot rename a temporary file onto", path);
  }
  sync_directory(std::filesystem::path(path).parent_path());
}

void append_file_durably(const std::string& path, std::string_view bytes) {
  const bool fresh = !std::filesystem::exists(path);
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) fail("cannot append to", path);
  const bool written = write_all(fd, bytes) && ::fsync(fd) == 0;
  const bool closed = ::close(fd) == 0;
  if (!written || !closed) fail("cannot append to", path);
  if (fresh) sync_directory(std::filesystem::path(path).parent_path());
}

void remove_stale_temporaries(const std::string& directory) {
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ignored))
    if (is_temporary_name(entry.path().filename().string()))
      std::filesystem::remove(entry.path(), ignored);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot open", path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) fail("cannot read", path);
  return std::move(bytes).str();
}

}  // namespace kiln
