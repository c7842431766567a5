#pragma once

#include <string>
#include <string_view>

namespace kiln {

// Writes `bytes` to `path` atomically: into a temporary file beside it, flushed to disk,
// then renamed over `path` and the rename itself flushed (the directory synced), so a reader
// sees the old file or the new one, never a torn one, even after a power cut. The file keeps
// the mode of the one it replaces; a new one gets 0666 less the umask, as open() would give it.
// Throws kiln::Error naming `path` and the system's reason (a full disk, no permission), with
// the old file untouched and the temporary removed.
//
// Test hook: with KILN_TEST_WRITE_PAUSE_MS=N in the environment every write pauses N
// milliseconds between filling its temporary file and renaming it, so a test can kill the
// process while the temporary is on disk.
void write_file_atomically(const std::string& path, std::string_view bytes);

// Appends `bytes` to `path` (created, 0666 less the umask, when missing) and flushes them to
// disk before returning; throws kiln::Error naming `path` and the reason.
void append_file_durably(const std::string& path, std::string_view bytes);

// Removes the temporary files that writes killed before their rename left in `directory`: the
// files named NAME.tmp.XXXXXX (six letters or digits), as write_file_atomically names them; a
// directory's writer owns its files, so none of another process can be under way.
void remove_stale_temporaries(const std::string& directory);

// The whole file; throws kiln::Error naming the path when it cannot be read.
std::string read_file(const std::string& path);

}  // namespace kiln
