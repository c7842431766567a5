#include "tools/sweep/asha.h"

#include <algorithm>
#include <cmath>

#include "tensor/error.h"

namespace kiln::tools::sweep {

AshaSettings asha_settings(const SweepSpec& spec) {
  return {.min_epochs = spec.min_epochs,
          .max_epochs = spec.max_epochs,
          .reduction_factor = spec.reduction_factor,
          .lower_is_better = spec.lower_is_better};
}

Asha::Asha(const AshaSettings& settings) : settings_(settings) {
  KILN_CHECK(settings.min_epochs >= 1 && settings.min_epochs <= settings.max_epochs &&
                 settings.reduction_factor >= 2,
             "ASHA needs 1 <= min_epochs <= max_epochs and a reduction factor of at least 2, got ",
             settings.min_epochs, ", ", settings.max_epochs, ", ", settings.reduction_factor);
  for (int64_t epochs = settings.min_epochs; epochs < settings.max_epochs;
       epochs *= settings.reduction_factor)
    budgets_.push_back(epochs);
  budgets_.push_back(settings.max_epochs);
}

size_t Asha::rungs_reached(const TrialRecord& trial) const {
  size_t k = 0;
  while (k < trial.rungs.size() && k < budgets_.size() && trial.rungs[k].epochs == budgets_[k]) ++k;
  return k;
}

std::vector<const TrialRecord*> Asha::ranking(std::span<const TrialRecord> trials, size_t k) const {
  std::vector<const TrialRecord*> ranked;
  for (const TrialRecord& trial : trials)
    if (rungs_reached(trial) > k) ranked.push_back(&trial);
  const auto key = [&](const TrialRecord* trial) {
    const double metric = trial->rungs[k].metric;
    // Non-finite results rank last whichever way the metric goes.
    if (!std::isfinite(metric)) return HUGE_VAL;
    return settings_.lower_is_better ? metric : -metric;
  };
  std::stable_sort(ranked.begin(), ranked.end(), [&](const TrialRecord* a, const TrialRecord* b) {
    return key(a) != key(b) ? key(a) < key(b) : a->id < b->id;
  });
  return ranked;
}

std::vector<const TrialRecord*> Asha::promotable(std::span<const TrialRecord> trials,
                                                 size_t k) const {
  std::vector<const TrialRecord*> ranked = ranking(trials, k);
  ranked.resize(ranked.size() / static_cast<size_t>(settings_.reduction_factor));
  std::erase_if(ranked, [&](const TrialRecord* trial) {
    return trial->state != TrialState::Paused || rungs_reached(*trial) != k + 1;
  });
  return ranked;
}

std::vector<bool> Asha::open_rungs(std::span<const TrialRecord> trials) const {
  std::vector<bool> open(budgets_.size(), false);
  for (const TrialRecord& trial : trials) {
    if (trial.state == TrialState::Pending) open[0] = true;
    if (trial.state == TrialState::Running && rungs_reached(trial) < budgets_.size())
      open[rungs_reached(trial)] = true;
  }
  for (size_t k = 1; k < budgets_.size(); ++k)
    if (open[k - 1] || !promotable(trials, k - 1).empty()) open[k] = true;
  return open;
}

std::optional<TrialJob> Asha::next_job(std::span<const TrialRecord> trials) const {
  for (size_t k = budgets_.size() - 1; k-- > 0;) {
    const std::vector<const TrialRecord*> candidates = promotable(trials, k);
    if (!candidates.empty())
      return TrialJob{.trial = candidates.front()->id, .rung = k + 1, .epochs = budgets_[k + 1]};
  }
  for (const TrialRecord& trial : trials)
    if (trial.state == TrialState::Pending)
      return TrialJob{.trial = trial.id, .rung = 0, .epochs = budgets_[0]};
  return std::nullopt;
}

std::vector<int64_t> Asha::never_promoted(std::span<const TrialRecord> trials) const {
  const std::vector<bool> open = open_rungs(trials);
  std::vector<int64_t> stopped;
  for (size_t k = 0; k + 1 < budgets_.size(); ++k) {
    if (open[k]) continue;
    const std::vector<const TrialRecord*> chosen = promotable(trials, k);
    for (const TrialRecord& trial : trials)
      if (trial.state == TrialState::Paused && rungs_reached(trial) == k + 1 &&
          std::find(chosen.begin(), chosen.end(), &trial) == chosen.end())
        stopped.push_back(trial.id);
  }
  return stopped;
}

}  // namespace kiln::tools::sweep
