#include "tools/sweep/trial_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <thread>

#include "tensor/error.h"

namespace kiln::tools::sweep {

namespace {

// Between fork and exec only async-signal-safe calls: the parent may have threads (oneTBB,
// OpenBLAS) whose locks the child's copy would never see released.
[[noreturn]] void exec_in_child(char* const* argv, int log, pid_t sweep) {
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != sweep) ::_exit(127);  // the sweep died before the line above
  const int nothing = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ::dup2(nothing, STDIN_FILENO);
  ::dup2(log, STDOUT_FILENO);
  ::dup2(log, STDERR_FILENO);
  ::execv("/proc/self/exe", argv);
  const char message[] = "kiln sweep: cannot run /proc/self/exe\n";
  if (::write(STDERR_FILENO, message, sizeof message - 1) < 0) ::_exit(127);
  ::_exit(127);
}

// The last line of `file` with text, from its last few kilobytes.
std::string last_line(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return "";
  const std::streamoff size = in.tellg();
  const std::streamoff start = std::max<std::streamoff>(0, size - 4096);
  in.seekg(start);
  std::string tail(static_cast<size_t>(size - start), '\0');
  in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
  while (!tail.empty() && std::isspace(static_cast<unsigned char>(tail.back()))) tail.pop_back();
  const size_t newline = tail.find_last_of("\r\n");
  return newline == std::string::npos ? tail : tail.substr(newline + 1);
}

}  // namespace

pid_t start_kiln_process(const std::vector<std::string>& arguments,
                         const std::filesystem::path& log) {
  const int log_file = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  KILN_CHECK(log_file >= 0, "cannot open '", log.string(), "': ", std::strerror(errno));
  std::vector<std::string> words = {"kiln"};
  words.insert(words.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  const pid_t sweep = ::getpid();
  const pid_t child = ::fork();
  if (child == 0) exec_in_child(argv.data(), log_file, sweep);
  const int fork_error = errno;
  ::close(log_file);
  KILN_CHECK(child > 0, "cannot start a trial: ", std::strerror(fork_error));
  return child;
}

std::optional<ProcessExit> wait_for_child(std::chrono::milliseconds patience) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  while (true) {
    int status = 0;
    const pid_t child = ::waitpid(-1, &status, WNOHANG);
    if (child > 0) return ProcessExit{child, status};
    if (child < 0 && errno != EINTR) return std::nullopt;  // no child left
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void wait_for_process(pid_t child) {
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
}

bool ended_by_interrupt(int status) {
  return (WIFEXITED(status) && WEXITSTATUS(status) == 130) ||
         (WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
}

std::string failure_reason(int status, const std::filesystem::path& log) {
  const std::string how = WIFEXITED(status)
                              ? "exit status " + std::to_string(WEXITSTATUS(status))
                              : "killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
                                    std::string(::strsignal(WTERMSIG(status))) + ")";
  const std::string line = last_line(log);
  return line.empty() ? how : how + ": " + line;
}

}  // namespace kiln::tools::sweep
