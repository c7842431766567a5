// Atomic and durable writes: the mode a new file gets from the umask, the mode a replaced file
// keeps, a write the system refuses part-way (a file-size limit standing in for a full disk,
// since it binds root too) leaving the old file whole and no temporary behind, an unwritable
// place named in the error, appends, and the clearing of temporaries a kill left.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>
#include <filesystem>
#include <string>

#include "scratch_directory.h"
#include "tensor/io/atomic_file.h"
#include "tensor/testing.h"

namespace kiln {
namespace {

namespace fs = std::filesystem;
using testing::error_of;

mode_t mode_of(const fs::path& path) {
  return static_cast<mode_t>(fs::status(path).permissions() & fs::perms::all);
}

size_t files_in(const fs::path& directory) {
  return static_cast<size_t>(
      std::distance(fs::directory_iterator(directory), fs::directory_iterator()));
}

// Sets the process's umask for the test's lifetime.
class Umask {
 public:
  explicit Umask(mode_t mask) : saved_(::umask(mask)) {}
  ~Umask() { ::umask(saved_); }

 private:
  mode_t saved_;
};

// Limits the size of files this process writes to `bytes` for the object's lifetime: write()
// past it fails with EFBIG (with SIGXFSZ ignored), as it would with ENOSPC on a full disk, and,
// unlike permissions, the limit binds root.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) : signal_(std::signal(SIGXFSZ, SIG_IGN)) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    const rlimit limited{.rlim_cur = bytes, .rlim_max = saved_.rlim_max};
    ::setrlimit(RLIMIT_FSIZE, &limited);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, signal_);
  }

 private:
  rlimit saved_{};
  void (*signal_)(int);
};

class AtomicFile : public ::testing::Test {
 protected:
  const kiln::testing::ScratchDirectory scratch_{"atomic_file"};
  const fs::path& directory_ = scratch_.path();
  const std::string path_ = (directory_ / "file.bin").string();
};

TEST_F(AtomicFile, NewFilesGetTheModeOpenWouldGiveThemUnderTheUmask) {
  for (const mode_t mask : {mode_t{022}, mode_t{027}, mode_t{002}}) {
    const Umask umask(mask);
    write_file_atomically(path_, "bytes");
    EXPECT_EQ(mode_of(path_), 0666 & ~mask) << "umask " << std::oct << mask;
    fs::remove(path_);
  }
}

TEST_F(AtomicFile, ReplacedFilesKeepTheirModeAndNoTemporaryIsLeft) {
  write_file_atomically(path_, "first");
  fs::permissions(path_, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  write_file_atomically(path_, "second");
  EXPECT_EQ(mode_of(path_), 0640);
  EXPECT_EQ(read_file(path_), "second");
  EXPECT_EQ(files_in(directory_), 1u);
}

TEST_F(AtomicFile, AWriteRefusedPartWayLeavesTheOldFileWholeAndNamesIt) {
  const std::string old_bytes(100, 'o');
  write_file_atomically(path_, old_bytes);
  std::string error;
  {
    const FileSizeLimit limit(4096);
    error = error_of([&] { write_file_atomically(path_, std::string(10000, 'n')); });
  }
  EXPECT_NE(error.find("cannot write '" + path_ + "'"), std::string::npos) << error;
  EXPECT_NE(error.find("File too large"), std::string::npos) << error;
  EXPECT_EQ(read_file(path_), old_bytes);
  EXPECT_EQ(files_in(directory_), 1u);  // the temporary was removed
}

TEST_F(AtomicFile, AnUnwritablePlaceIsAnErrorNamingThePath) {
  // Under a regular file nothing can be created, whoever asks (permission bits do not bind root).
  const std::string inside_a_file = path_ + "/data.bin";
  write_file_atomically(path_, "a file, not a directory");
  const std::string error = error_of([&] { write_file_atomically(inside_a_file, "x"); });
  EXPECT_NE(error.find("cannot write '" + inside_a_file + "'"), std::string::npos) << error;
  EXPECT_NE(error.find("Not a directory"), std::string::npos) << error;
  EXPECT_NE(error_of([&] { append_file_durably(inside_a_file, "x"); }).find(inside_a_file),
            std::string::npos);
  EXPECT_NE(error_of([] { read_file("/nonexistent/file.bin"); }).find("cannot open"),
            std::string::npos);
}

TEST_F(AtomicFile, AppendsCreateTheFileUnderTheUmaskThenAddToIt) {
  const Umask umask(027);
  append_file_durably(path_, "one\n");
  append_file_durably(path_, "two\n");
  EXPECT_EQ(read_file(path_), "one\ntwo\n");
  EXPECT_EQ(mode_of(path_), 0640);
}

TEST_F(AtomicFile, StaleTemporariesAreRemovedAndNothingElse) {
  for (const char* name : {"checkpoint.safetensors.tmp.a1B2c3", ".kiln-write-probe.tmp.XYZ123",
                           "checkpoint.safetensors", "notes.tmp", "metrics.tmp.csv"})
    write_file_atomically((directory_ / name).string(), "x");
  remove_stale_temporaries(directory_.string());
  EXPECT_FALSE(fs::exists(directory_ / "checkpoint.safetensors.tmp.a1B2c3"));
  EXPECT_FALSE(fs::exists(directory_ / ".kiln-write-probe.tmp.XYZ123"));
  EXPECT_EQ(files_in(directory_), 3u);
}

}  // namespace
}  // namespace kiln
