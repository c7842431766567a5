#pragma once

// A sweep's trials run as `kiln train` processes, up to `parallel` at once, in the order ASHA
// decides (asha.h); the journal and results.csv are written again after every change of a trial,
// so a sweep interrupted or killed at any moment resumes without redoing a finished trial or
// losing one.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>

#include <sys/types.h>

#include "tools/sweep/asha.h"
#include "tools/sweep/sweep_journal.h"
#include "tools/sweep/sweep_spec.h"
#include "tools/sweep/sweep_table.h"
#include "tools/sweep/trial_process.h"

namespace kiln::tools::sweep {

inline constexpr const char* kTrialLogFile = "log.txt";
inline constexpr const char* kSweepResultsFile = "results.csv";

class SweepRunner {
 public:
  SweepRunner(const SweepSpec& spec, std::filesystem::path directory, SweepJournal& journal,
              int64_t parallel);

  // Runs trials until each is finished, stopped or failed, and returns 0; on SIGINT or SIGTERM
  // tells the running trials to save and stop, waits for them, leaves them running in the
  // journal (a resumed sweep continues them from their checkpoints) and returns 130. A metric
  // that is not a column of a trial's metrics.csv is a kiln::Error.
  int run();

 private:
  struct Segment {
    int64_t trial;
    int64_t epochs;  // the budget it trains to
    std::chrono::steady_clock::time_point started;
  };

  void start_jobs();
  std::optional<TrialJob> next_job() const;
  void start(const TrialJob& job);
  void ended(const ProcessExit& exit, bool interrupted);
  void record_result(TrialRecord& trial, int64_t epochs);
  void stop_never_promoted();
  void fail(TrialRecord& trial, const std::string& reason);
  void interrupt_running();
  void wait_for_running();
  void save();
  void save_and_show(const TrialRecord& trial);

  const SweepSpec& spec_;
  std::filesystem::path directory_;
  SweepJournal& journal_;
  int64_t parallel_;
  Asha asha_;
  LiveTable table_;
  std::map<pid_t, Segment> running_;
};

}  // namespace kiln::tools::sweep
