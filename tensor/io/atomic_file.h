#pragma once

#include <string>
#include <string_view>

namespace kiln {

// Writes `bytes` to `path` atomically: into a temporary file beside it, flushed to disk,
// then renamed over `path`, so a reader sees the old file or the new one, never a torn one.
// Throws kiln::Error naming the path and the system's reason.
void write_file_atomically(const std::string& path, std::string_view bytes);

// The whole file; throws kiln::Error naming the path when it cannot be read.
std::string read_file(const std::string& path);

}  // namespace kiln
