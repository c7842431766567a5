#pragma once

// The sweep's trials as people read them: the table (id, each option's value, state, epochs,
// metric, reason), a line per event, the command that trains a trial again on its own, and
// results.csv; LiveTable shows them while the sweep runs.
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "tools/sweep/asha.h"
#include "tools/sweep/sweep_journal.h"
#include "tools/sweep/sweep_spec.h"

namespace kiln::tools::sweep {

// Best first: by the latest metric in the journal's direction, trials without one last, then
// by id.
std::vector<const TrialRecord*> ranked_trials(const SweepJournal& journal);

// A header line, then a row per trial, columns aligned. Epochs of a running trial read
// "1->3": reached, and the budget it trains to.
std::vector<std::string> trial_table(const SweepSpec& spec, const Asha& asha,
                                     std::span<const TrialRecord* const> trials);

// "sweep lr: 2 running, 1 paused, 3 finished, 1 stopped, 1 pending"
std::string state_counts(const SweepSpec& spec, const SweepJournal& journal);

// The trial's state as one line: "trial 3 paused at 1 epoch: validation_mse 0.0412".
std::string trial_event(const SweepJournal& journal, const Asha& asha, const TrialRecord& trial);

// `kiln ARGUMENTS --epochs E`, each argument quoted for a POSIX shell where it needs it.
std::string reproducing_command(const TrialRecord& trial, int64_t epochs);

// One row per trial: trial, directory, each option, state, epochs, the metric, seconds, reason.
std::string results_csv(const SweepSpec& spec, const SweepJournal& journal);

// The table while the sweep runs: on a terminal drawn again in place after every change (at
// most as many rows as the terminal has: the running trials and the best of the others),
// otherwise a line per event, so logs stay readable.
class LiveTable {
 public:
  LiveTable(std::FILE* out, const SweepSpec& spec, const Asha& asha);
  void changed(const SweepJournal& journal, const TrialRecord& trial);
  // A line of its own below the table.
  void message(const std::string& line);

 private:
  void draw(const SweepJournal& journal);

  std::FILE* out_;
  const SweepSpec& spec_;
  const Asha& asha_;
  bool interactive_;
  size_t drawn_lines_ = 0;
};

}  // namespace kiln::tools::sweep
