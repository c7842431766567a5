#include "tensor/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "tensor/error.h"

namespace kiln {

namespace {
[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw Error(what + " '" + path + "': " + std::strerror(errno));
}
}  // namespace

void write_file_atomically(const std::string& path, std::string_view bytes) {
  std::string temporary = path + ".tmp.XXXXXX";
  const int fd = mkstemp(temporary.data());
  if (fd < 0) fail("cannot create a temporary file beside", path);
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      std::remove(temporary.c_str());
      errno = saved;
      fail("cannot write", temporary);
    }
    written += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  const bool closed = ::close(fd) == 0;
  if (!synced || !closed) {
    const int saved = errno;
    std::remove(temporary.c_str());
    errno = saved;
    fail("cannot flush", temporary);
  }
  // mkstemp creates the file for the owner only; give it the usual permissions.
  ::chmod(temporary.c_str(), 0644);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    std::remove(temporary.c_str());
    errno = saved;
    fail("cannot rename the temporary file onto", path);
  }
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
