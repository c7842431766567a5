// A fuzz target's main outside libFuzzer: reads each file named, and each file in each
// directory named, once through LLVMFuzzerTestOneInput. A finding ends the process as it does
// under libFuzzer (an escaped exception, a broken property, a sanitizer's report).
// Usage: fuzz_TARGET FILE_OR_DIRECTORY...
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "tensor/io/atomic_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

// The files under `paths`, in name order so a failure reproduces in the same place.
std::vector<std::filesystem::path> inputs_under(char** paths, int count) {
  std::vector<std::filesystem::path> inputs;
  for (int k = 0; k < count; ++k) {
    const std::filesystem::path path = paths[k];
    if (!std::filesystem::is_directory(path)) {
      inputs.push_back(path);
      continue;
    }
    for (const auto& entry : std::filesystem::directory_iterator(path))
      if (entry.is_regular_file()) inputs.push_back(entry.path());
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIRECTORY...\n", argv[0]);
    return 2;
  }
  const std::vector<std::filesystem::path> inputs = inputs_under(argv + 1, argc - 1);
  for (const std::filesystem::path& input : inputs) {
    std::fprintf(stderr, "%s\n", input.c_str());
    const std::string bytes = kiln::read_file(input.string());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("read %zu inputs\n", inputs.size());
  return inputs.empty() ? 1 : 0;
}
