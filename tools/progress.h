#pragma once

// Training progress: on a terminal a bar redrawn in place (epoch, step, loss, throughput,
// ETA); otherwise plain log lines, one every tenth of an epoch, so logs stay readable.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace kiln::tools {

class Progress {
 public:
  // Writes to `out`; interactive when it is a terminal. Throughput is shown per second in
  // `rate_unit` ("tok", "inst").
  explicit Progress(std::FILE* out, std::string rate_unit = "tok");
  void start_epoch(int64_t epoch, int64_t epochs, int64_t steps);
  // After step `done` (1-based) of the epoch, with the running mean loss and throughput.
  void update(int64_t done, double loss, double per_second);
  // Ends the epoch's bar and prints one summary line.
  void end_epoch(const std::string& summary);
  // A line of its own, clearing the bar first.
  void message(const std::string& line);

 private:
  void clear_bar();

  std::FILE* out_;
  std::string rate_unit_;
  bool interactive_;
  bool bar_shown_ = false;
  int64_t epoch_ = 0, epochs_ = 0, steps_ = 0;
  std::chrono::steady_clock::time_point epoch_start_, last_draw_;
};

// "1:02:03" or "2:03".
std::string format_duration(double seconds);

}  // namespace kiln::tools
