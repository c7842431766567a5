#pragma once

// Baselines for REINFORCE (Williams 1992) on routing: the policy gradient
// E[(L(pi) - b(s)) grad log p(pi | s)] is unbiased for any b that does not depend on the tour
// pi, and a good b lowers its variance. After Kool, van Hoof and Welling 2019, section 4 and
// wouterkool/attention-learn-to-route's reinforce_baselines.py.
#include <cstdint>
#include <memory>
#include <optional>

#include "models/tsp_policy.h"
#include "tensor/random.h"

namespace kiln::models {

// The greedy tours' lengths [N] of instances [N, n, 2], decoded in batches of `batch_size` in
// eval mode without grad (the model's mode is restored after).
Tensor greedy_tour_lengths(TspPolicy& model, const Tensor& instances, int64_t batch_size = 1024);

// b = v, an exponential moving average of the batches' mean cost:
// v <- mean(cost) at the first batch, then beta v + (1 - beta) mean(cost).
class ExponentialBaseline {
 public:
  explicit ExponentialBaseline(double beta = 0.8);
  // Moves v by this batch's costs [B] and returns it.
  double update(const Tensor& cost);
  std::optional<double> value() const { return value_; }
  void set_value(std::optional<double> value) { value_ = value; }

 private:
  double beta_;
  std::optional<double> value_;
};

// The outcome of a one-sided paired t-test that `candidate` has a smaller mean than
// `reference` (scipy's ttest_rel, its p-value halved).
struct PairedTTest {
  double t = 0;
  double p_one_sided = 1;
};
PairedTTest paired_t_test(const Tensor& candidate, const Tensor& reference);

// b(s) = the length of the greedy tour of a frozen copy of the policy. At the end of each
// epoch the policy replaces the copy when its greedy tours on `evaluation_size` instances
// (drawn afresh each time the copy changes) are shorter on average with one-sided p < alpha.
class RolloutBaseline {
 public:
  struct Options {
    int64_t nodes = 20;
    int64_t evaluation_size = 10000;
    double alpha = 0.05;
    int64_t batch_size = 1024;
  };
  // Copies `policy` and draws the evaluation instances from a generator seeded by `seed`.
  RolloutBaseline(TspPolicy& policy, uint64_t seed, const Options& options);

  // The frozen copy's greedy tour lengths [B] on coords [B, n, 2].
  Tensor eval(const Tensor& coords);
  // Compares the policy with the copy and replaces the copy if the test says so; returns the
  // test and whether the copy changed.
  struct EpochResult {
    double candidate_mean, baseline_mean;
    std::optional<PairedTTest> test;  // run only when the candidate's mean is smaller
    bool updated;
  };
  EpochResult epoch_callback(TspPolicy& policy);

  // The frozen copy (a checkpoint saves and loads its weights).
  const std::shared_ptr<TspPolicy>& frozen() const { return frozen_; }
  // Where the evaluation instances came from, for checkpoints; restore() draws the same ones
  // again and re-evaluates the frozen copy (whose weights the caller has loaded) on them.
  uint64_t instances_offset() const { return instances_offset_; }
  void restore(uint64_t instances_offset);

 private:
  void draw_instances();
  void freeze(TspPolicy& policy);

  Options options_;
  Generator generator_;
  std::shared_ptr<TspPolicy> frozen_;
  uint64_t instances_offset_ = 0;
  Tensor instances_, lengths_;
};

}  // namespace kiln::models
