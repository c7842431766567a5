#include "tools/sweep/sweep_runner.h"

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <utility>

#include "tensor/error.h"
#include "tensor/io/atomic_file.h"
#include "tools/interrupt.h"
#include "tools/run_directory.h"
#include "tools/sweep/run_metrics.h"
#include "tools/sweep/search_space.h"

namespace kiln::tools::sweep {

namespace {

using Clock = std::chrono::steady_clock;

std::string epochs_text(int64_t epochs) {
  return std::to_string(epochs) + (epochs == 1 ? " epoch" : " epochs");
}

}  // namespace

SweepRunner::SweepRunner(const SweepSpec& spec, std::filesystem::path directory,
                         SweepJournal& journal, int64_t parallel)
    : spec_(spec),
      directory_(std::move(directory)),
      journal_(journal),
      parallel_(parallel),
      asha_(asha_settings(spec)),
      table_(stdout, spec, asha_) {}

int SweepRunner::run() {
  const InterruptRequest interrupt({SIGINT, SIGTERM});
  bool interrupted = false;
  // ASHA's decisions change only when a trial ends.
  bool decide = true;
  try {
    while (true) {
      if (interrupt.requested() && !interrupted) {
        interrupted = true;
        interrupt_running();
      } else if (!interrupted && decide) {
        stop_never_promoted();
        start_jobs();
      }
      if (running_.empty()) break;
      const std::optional<ProcessExit> exit = wait_for_child(std::chrono::milliseconds(100));
      decide = exit.has_value();
      if (exit) ended(*exit, interrupted);
    }
  } catch (...) {
    interrupt_running();
    wait_for_running();
    throw;
  }
  return interrupted ? 130 : 0;
}

void SweepRunner::start_jobs() {
  while (static_cast<int64_t>(running_.size()) < parallel_) {
    const std::optional<TrialJob> job = next_job();
    if (!job) return;
    start(*job);
  }
}

// Trials the journal says are running but no process of this sweep trains (a resumed sweep's)
// go first, to the budget they were training to; then what ASHA says.
std::optional<TrialJob> SweepRunner::next_job() const {
  for (const TrialRecord& trial : journal_.trials) {
    if (trial.state != TrialState::Running) continue;
    const bool trained = std::any_of(running_.begin(), running_.end(), [&](const auto& entry) {
      return entry.second.trial == trial.id;
    });
    const size_t rung = asha_.rungs_reached(trial);
    if (!trained && rung < asha_.budgets().size())
      return TrialJob{.trial = trial.id, .rung = rung, .epochs = asha_.budgets()[rung]};
  }
  return asha_.next_job(journal_.trials);
}

void SweepRunner::start(const TrialJob& job) {
  TrialRecord& trial = journal_.trials.at(static_cast<size_t>(job.trial));
  const std::filesystem::path directory = directory_ / trial.directory;
  // Without a checkpoint the trial starts over: whatever its directory holds is from a process
  // killed in its first epoch.
  const bool resume = std::filesystem::exists(directory / kCheckpointFile);
  if (!resume) std::filesystem::remove_all(directory);
  std::filesystem::create_directories(directory);
  std::vector<std::string> arguments = trial.arguments;
  for (std::string& argument :
       budget_arguments(directory.string(), spec_.max_epochs, spec_.threads_per_trial))
    arguments.push_back(std::move(argument));
  if (job.epochs < spec_.max_epochs)
    arguments.insert(arguments.end(), {"--stop-at-epoch", std::to_string(job.epochs)});
  if (resume) arguments.push_back("--resume");
  // Running in the journal before the process exists: a sweep killed in between restarts it.
  trial.state = TrialState::Running;
  trial.reason.clear();
  save_and_show(trial);
  const pid_t process = start_kiln_process(arguments, directory / kTrialLogFile);
  running_[process] = {.trial = trial.id, .epochs = job.epochs, .started = Clock::now()};
}

void SweepRunner::ended(const ProcessExit& exit, bool interrupted) {
  const auto entry = running_.find(exit.pid);
  if (entry == running_.end()) return;
  const Segment segment = entry->second;
  running_.erase(entry);
  TrialRecord& trial = journal_.trials.at(static_cast<size_t>(segment.trial));
  trial.seconds += std::chrono::duration<double>(Clock::now() - segment.started).count();
  if (interrupted && ended_by_interrupt(exit.status)) {
    save();  // still running: its checkpoint continues it
    table_.message("trial " + std::to_string(trial.id) + " saved where it was");
    return;
  }
  if (!WIFEXITED(exit.status) || WEXITSTATUS(exit.status) != 0) {
    fail(trial, failure_reason(exit.status, directory_ / trial.directory / kTrialLogFile));
    return;
  }
  record_result(trial, segment.epochs);
}

// The trial's metric at the budget it trained to, or where it stopped by itself (early
// stopping, a target accuracy reached) when that came first.
void SweepRunner::record_result(TrialRecord& trial, int64_t epochs) {
  const std::filesystem::path file = directory_ / trial.directory / kMetricsFile;
  const RunMetrics metrics = RunMetrics::read(file);
  if (metrics.epochs() == 0) return fail(trial, "its run ended without finishing an epoch");
  if (!metrics.has_column(journal_.metric)) {
    std::string columns;
    for (const std::string& column : metrics.columns())
      columns += (columns.empty() ? "" : ", ") + column;
    fail(trial, "no column " + journal_.metric + " in its metrics.csv");
    throw Error(detail::concat("metric '", journal_.metric, "' is not a column of '", file.string(),
                               "' (its columns: ", columns,
                               "); name one in the spec's \"metric\""));
  }
  const int64_t reached = std::min(metrics.epochs(), epochs);
  const double value = metrics.value_at(journal_.metric, reached);
  if (!std::isfinite(value))
    return fail(trial, journal_.metric + " is " + std::to_string(value) + " after " +
                           epochs_text(reached) + ": the run diverged");
  if (trial.rungs.empty() || trial.rungs.back().epochs < reached)
    trial.rungs.push_back({.epochs = reached, .metric = value});
  const bool stopped_itself = reached < epochs;
  trial.state =
      stopped_itself || reached == spec_.max_epochs ? TrialState::Finished : TrialState::Paused;
  if (stopped_itself) trial.reason = "its run stopped itself after " + epochs_text(reached);
  save_and_show(trial);
}

void SweepRunner::stop_never_promoted() {
  for (const int64_t id : asha_.never_promoted(journal_.trials)) {
    TrialRecord& trial = journal_.trials.at(static_cast<size_t>(id));
    trial.state = TrialState::Stopped;
    trial.reason = "not in the top 1/" + std::to_string(spec_.reduction_factor) + " at " +
                   epochs_text(trial.rungs.back().epochs);
    save_and_show(trial);
  }
}

void SweepRunner::fail(TrialRecord& trial, const std::string& reason) {
  trial.state = TrialState::Failed;
  trial.reason = reason;
  save_and_show(trial);
}

// SIGINT, as Ctrl-C would: each saves a checkpoint and exits with 130.
void SweepRunner::interrupt_running() {
  if (running_.empty()) return;
  table_.message("interrupted: waiting for " + std::to_string(running_.size()) +
                 " running trial(s) to save a checkpoint");
  for (const auto& entry : running_) ::kill(entry.first, SIGINT);
}

void SweepRunner::wait_for_running() {
  for (const auto& entry : running_) wait_for_process(entry.first);
  running_.clear();
}

void SweepRunner::save() {
  write_sweep_journal(directory_, journal_);
  write_file_atomically((directory_ / kSweepResultsFile).string(), results_csv(spec_, journal_));
}

void SweepRunner::save_and_show(const TrialRecord& trial) {
  save();
  table_.changed(journal_, trial);
}

}  // namespace kiln::tools::sweep
