#pragma once

// A trial's `kiln` process: this executable (/proc/self/exe) started with fork and exec, its
// output appended to a log. It runs in a process group of its own, so Ctrl-C at the terminal
// reaches only the sweep, which forwards it once (a second SIGINT would end a trial before it
// saves). It gets SIGKILL when the sweep dies, so a sweep killed outright leaves no orphan
// training into a directory that the resumed sweep trains in again (posix_spawn cannot set
// that parent-death signal).
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kiln::tools::sweep {

// Starts `kiln ARGUMENTS`, stdout and stderr appended to `log`, stdin from /dev/null.
pid_t start_kiln_process(const std::vector<std::string>& arguments,
                         const std::filesystem::path& log);

struct ProcessExit {
  pid_t pid;
  int status;  // as waitpid gives it
};

// The next child to end, waiting up to `patience` for one; nothing when none ended.
std::optional<ProcessExit> wait_for_child(std::chrono::milliseconds patience);

// Waits for that child to end, however long it takes.
void wait_for_process(pid_t child);

// Whether the process ended as a kiln command does on Ctrl-C (it saved; status 130).
bool ended_by_interrupt(int status);

// Why a process failed: "exit status 1: kiln: error: ..." (the log's last line) or "killed by
// signal 9 (Killed)".
std::string failure_reason(int status, const std::filesystem::path& log);

}  // namespace kiln::tools::sweep
