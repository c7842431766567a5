#pragma once

// A fresh directory under the system's temporary directory, removed with everything in it when
// the object goes.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace kiln::testing {

class ScratchDirectory {
 public:
  explicit ScratchDirectory(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("kiln_" + name + "_" + std::to_string(::getpid()) + "_" + std::to_string(next()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDirectory() { std::filesystem::remove_all(path_); }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  static int next() {
    static std::atomic<int> count = 0;
    return count++;
  }
  std::filesystem::path path_;
};

}  // namespace kiln::testing
