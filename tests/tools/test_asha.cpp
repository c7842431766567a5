// ASHA's decisions over journal records: the rungs' budgets, promotion of the best paused trial
// in the top 1/eta of its rung (highest rung first), new trials otherwise, and trials stopped
// once their rung can get no more results; a whole sweep simulated with one worker.
#include <gtest/gtest.h>

#include <algorithm>

#include "tools/sweep/asha.h"

namespace kiln::tools::sweep {
namespace {

TrialRecord trial(int64_t id, TrialState state, std::vector<RungResult> rungs = {}) {
  TrialRecord record;
  record.id = id;
  record.state = state;
  record.rungs = std::move(rungs);
  return record;
}

const AshaSettings kEta2{.min_epochs = 1, .max_epochs = 4, .reduction_factor = 2};

TEST(Asha, RungsGrowByTheReductionFactorUpToTheBudget) {
  EXPECT_EQ(Asha(kEta2).budgets(), (std::vector<int64_t>{1, 2, 4}));
  EXPECT_EQ(Asha({.min_epochs = 1, .max_epochs = 10, .reduction_factor = 3}).budgets(),
            (std::vector<int64_t>{1, 3, 9, 10}));
  EXPECT_EQ(Asha({.min_epochs = 2, .max_epochs = 16, .reduction_factor = 2}).budgets(),
            (std::vector<int64_t>{2, 4, 8, 16}));
  EXPECT_EQ(Asha({.min_epochs = 5, .max_epochs = 5, .reduction_factor = 3}).budgets(),
            (std::vector<int64_t>{5}));
}

TEST(Asha, StartsPendingTrialsInOrder) {
  const Asha asha(kEta2);
  EXPECT_FALSE(asha.next_job({}).has_value());
  const std::vector<TrialRecord> trials = {
      trial(0, TrialState::Running), trial(1, TrialState::Pending), trial(2, TrialState::Pending)};
  const std::optional<TrialJob> job = asha.next_job(trials);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->trial, 1);
  EXPECT_EQ(job->rung, 0u);
  EXPECT_EQ(job->epochs, 1);
}

TEST(Asha, PromotesOnlyTheTopOneOverEtaOfARung) {
  const Asha asha(kEta2);
  // One result: floor(1 / 2) = 0 may go on, so a new trial starts.
  std::vector<TrialRecord> trials = {trial(0, TrialState::Paused, {{1, 0.5}}),
                                     trial(1, TrialState::Pending)};
  EXPECT_EQ(asha.next_job(trials)->trial, 1);
  // Two results: the better one goes on to 2 epochs before any new trial.
  trials = {trial(0, TrialState::Paused, {{1, 0.5}}), trial(1, TrialState::Paused, {{1, 0.1}}),
            trial(2, TrialState::Pending)};
  std::optional<TrialJob> job = asha.next_job(trials);
  EXPECT_EQ(job->trial, 1);
  EXPECT_EQ(job->rung, 1u);
  EXPECT_EQ(job->epochs, 2);
  // Once promoted (running at rung 1), its slot is taken: the other waits.
  trials[1].state = TrialState::Running;
  EXPECT_EQ(asha.next_job(trials)->trial, 2);
}

TEST(Asha, HigherIsBetterInMaxMode) {
  AshaSettings settings = kEta2;
  settings.lower_is_better = false;
  const std::vector<TrialRecord> trials = {trial(0, TrialState::Paused, {{1, 0.5}}),
                                           trial(1, TrialState::Paused, {{1, 0.1}})};
  EXPECT_EQ(Asha(settings).next_job(trials)->trial, 0);
}

TEST(Asha, PromotesFromTheHighestRungFirst) {
  const std::vector<TrialRecord> trials = {trial(0, TrialState::Paused, {{1, 0.1}}),
                                           trial(1, TrialState::Paused, {{1, 0.9}}),
                                           trial(2, TrialState::Paused, {{1, 0.2}, {2, 0.15}}),
                                           trial(3, TrialState::Stopped, {{1, 0.3}, {2, 0.3}}),
                                           trial(4, TrialState::Paused, {{1, 0.3}})};
  const std::optional<TrialJob> job = Asha(kEta2).next_job(trials);
  EXPECT_EQ(job->trial, 2);
  EXPECT_EQ(job->rung, 2u);
  EXPECT_EQ(job->epochs, 4);
}

TEST(Asha, StopsTrialsOnlyWhenTheirRungCanGetNoMoreResults) {
  const Asha asha(kEta2);
  std::vector<TrialRecord> trials = {
      trial(0, TrialState::Paused, {{1, 0.1}}), trial(1, TrialState::Paused, {{1, 0.9}}),
      trial(2, TrialState::Paused, {{1, 0.5}}), trial(3, TrialState::Pending)};
  // A pending trial may still push trial 2 into the top half.
  EXPECT_TRUE(asha.never_promoted(trials).empty());
  trials[3].state = TrialState::Running;
  EXPECT_TRUE(asha.never_promoted(trials).empty());
  trials[3] = trial(3, TrialState::Failed);
  // Rung 0 is closed: 3 results, the top 1 (trial 0) will be promoted, the rest never.
  EXPECT_EQ(asha.never_promoted(trials), (std::vector<int64_t>{1, 2}));
}

TEST(Asha, ARunThatStoppedItselfEndsItsRecordOffTheRungs) {
  const Asha asha(kEta2);
  EXPECT_EQ(asha.rungs_reached(trial(0, TrialState::Finished, {{1, 0.3}, {2, 0.2}, {3, 0.1}})), 2u);
  EXPECT_EQ(asha.rungs_reached(trial(0, TrialState::Running)), 0u);
}

// One worker, trials whose metric at every rung is their id's quality: the whole sweep's
// decisions, as the runner applies them.
std::vector<TrialRecord> simulate(const Asha& asha, const std::vector<double>& quality) {
  std::vector<TrialRecord> trials;
  for (size_t i = 0; i < quality.size(); ++i)
    trials.push_back(trial(static_cast<int64_t>(i), TrialState::Pending));
  for (int guard = 0; guard < 1000; ++guard) {
    for (const int64_t id : asha.never_promoted(trials))
      trials[static_cast<size_t>(id)].state = TrialState::Stopped;
    const std::optional<TrialJob> job = asha.next_job(trials);
    if (!job) break;
    TrialRecord& record = trials[static_cast<size_t>(job->trial)];
    // Better with more epochs, ranked the same at every rung.
    record.rungs.push_back({job->epochs, quality[static_cast<size_t>(job->trial)] / job->epochs});
    record.state = job->epochs == asha.budgets().back() ? TrialState::Finished : TrialState::Paused;
  }
  return trials;
}

TEST(Asha, ASweepStopsTheWorstAndFinishesTheBest) {
  const Asha asha(kEta2);
  const std::vector<double> quality = {0.5, 0.8, 0.2, 0.9, 0.4, 0.1, 0.7, 0.3};
  const std::vector<TrialRecord> trials = simulate(asha, quality);
  for (const TrialRecord& record : trials)
    EXPECT_TRUE(record.state == TrialState::Finished || record.state == TrialState::Stopped)
        << record.id;
  EXPECT_EQ(trials[5].state, TrialState::Finished);  // the best
  EXPECT_EQ(trials[3].state, TrialState::Stopped);   // the worst
  EXPECT_EQ(trials[3].rungs.size(), 1u);
  const auto finished = std::count_if(trials.begin(), trials.end(), [](const TrialRecord& t) {
    return t.state == TrialState::Finished;
  });
  EXPECT_GE(finished, 1);
  EXPECT_LE(finished, 3);
  // The same decisions every time.
  const std::vector<TrialRecord> again = simulate(asha, quality);
  for (size_t i = 0; i < trials.size(); ++i) {
    EXPECT_EQ(again[i].state, trials[i].state);
    EXPECT_EQ(again[i].rungs.size(), trials[i].rungs.size());
  }
}

TEST(Asha, WithOneRungEveryTrialTrainsTheWholeBudget) {
  const Asha asha({.min_epochs = 3, .max_epochs = 3, .reduction_factor = 3});
  const std::vector<TrialRecord> trials = simulate(asha, {0.3, 0.1, 0.2});
  for (const TrialRecord& record : trials) {
    EXPECT_EQ(record.state, TrialState::Finished);
    EXPECT_EQ(record.rungs.back().epochs, 3);
  }
}

}  // namespace
}  // namespace kiln::tools::sweep
