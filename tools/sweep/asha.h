#pragma once

// Asynchronous successive halving, ASHA (Li et al. 2018, "A System for Massively Parallel
// Hyperparameter Tuning", Algorithm 2), as decisions over the trials' journal records: it knows
// nothing of processes. Rung k trains a trial to min_epochs * eta^k epochs; the last rung to
// max_epochs. When a worker frees, it promotes the best paused trial of the highest rung whose
// result puts it in the top 1/eta of that rung's results so far (floor(n / eta) of n), else it
// starts the next pending trial at rung 0. Without early stopping (min_epochs = max_epochs)
// there is one rung and every trial trains to max_epochs.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "tools/sweep/sweep_journal.h"
#include "tools/sweep/sweep_spec.h"

namespace kiln::tools::sweep {

struct AshaSettings {
  int64_t min_epochs = 1;
  int64_t max_epochs = 1;
  int64_t reduction_factor = 3;  // eta
  bool lower_is_better = true;
};

// The spec's scheduler: without ASHA one rung of max_epochs.
AshaSettings asha_settings(const SweepSpec& spec);

// A trial to train up to a rung's budget.
struct TrialJob {
  int64_t trial = 0;  // its id
  size_t rung = 0;
  int64_t epochs = 0;  // the rung's budget
};

class Asha {
 public:
  explicit Asha(const AshaSettings& settings);

  // The rungs' budgets in epochs: min_epochs * eta^k below max_epochs, then max_epochs.
  const std::vector<int64_t>& budgets() const { return budgets_; }

  // How many rungs a trial has results for: its records' first budgets (a trial that stopped
  // itself early, by patience, ends its record with the epoch it reached, which is not one).
  size_t rungs_reached(const TrialRecord& trial) const;

  // What a free worker does next: the best promotable trial of the highest rung, else the
  // first pending trial (by id), else nothing (every trial runs, waits or is done).
  std::optional<TrialJob> next_job(std::span<const TrialRecord> trials) const;

  // Paused trials that can never be promoted: no more results can reach their rung (no trial
  // is pending, running below it or promotable into it), and they are not in its top 1/eta.
  std::vector<int64_t> never_promoted(std::span<const TrialRecord> trials) const;

 private:
  // The trials with a result at rung k, best first (ties: the lower id).
  std::vector<const TrialRecord*> ranking(std::span<const TrialRecord> trials, size_t k) const;
  // Paused trials of rung k in its top floor(n / eta), best first.
  std::vector<const TrialRecord*> promotable(std::span<const TrialRecord> trials, size_t k) const;
  // Whether each rung may still get results.
  std::vector<bool> open_rungs(std::span<const TrialRecord> trials) const;

  AshaSettings settings_;
  std::vector<int64_t> budgets_;
};

}  // namespace kiln::tools::sweep
