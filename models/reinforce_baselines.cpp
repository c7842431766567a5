#include "models/reinforce_baselines.h"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>

#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "models/tasks/tsp_instances.h"
#include "tensor/creation.h"

namespace kiln::models {

Tensor greedy_tour_lengths(TspPolicy& model, const Tensor& instances, int64_t batch_size) {
  KILN_CHECK(batch_size > 0, "greedy_tour_lengths: batch_size must be positive, got ", batch_size);
  NoGradGuard no_grad;
  const bool was_training = model.is_training();
  model.eval();
  std::vector<Tensor> lengths;
  for (int64_t start = 0; start < instances.size(0); start += batch_size) {
    const Tensor batch =
        instances.narrow(0, start, std::min(batch_size, instances.size(0) - start));
    lengths.push_back(tour_lengths(batch, model.forward(batch).tours));
  }
  model.train(was_training);
  return cat(lengths, 0);
}

ExponentialBaseline::ExponentialBaseline(double beta) : beta_(beta) {
  KILN_CHECK(beta >= 0 && beta < 1, "ExponentialBaseline: beta must be in [0, 1), got ", beta);
}

double ExponentialBaseline::update(const Tensor& cost) {
  const double mean = cost.to(kFloat64).mean().item<double>();
  value_ = value_ ? beta_ * *value_ + (1 - beta_) * mean : mean;
  return *value_;
}

// t = mean(d) / (std(d) / sqrt(N)) over the differences d = candidate - reference, with N - 1
// degrees of freedom.
PairedTTest paired_t_test(const Tensor& candidate, const Tensor& reference) {
  KILN_CHECK(
      candidate.shape() == reference.shape() && candidate.dim() == 1 && candidate.size(0) > 1,
      "paired_t_test: expected two [N] samples with N > 1, got ", candidate.shape(), " and ",
      reference.shape());
  const Tensor difference = candidate.to(kFloat64) - reference.to(kFloat64);
  const double count = static_cast<double>(difference.size(0));
  const double mean = difference.mean().item<double>();
  const double spread = difference.std().item<double>();
  if (spread == 0) return {.t = 0, .p_one_sided = mean < 0 ? 0.0 : 1.0};
  const double t = mean / (spread / std::sqrt(count));
  const boost::math::students_t distribution(count - 1);
  return {.t = t, .p_one_sided = boost::math::cdf(distribution, t)};
}

RolloutBaseline::RolloutBaseline(TspPolicy& policy, uint64_t seed, const Options& options)
    : options_(options), generator_(seed) {
  KILN_CHECK(
      options.evaluation_size > 1 && options.nodes > 0 && options.alpha > 0 && options.alpha < 1,
      "RolloutBaseline: expected more than one evaluation instance, nodes > 0 and alpha in "
      "(0, 1), got ",
      options.evaluation_size, ", ", options.nodes, ", ", options.alpha);
  freeze(policy);
}

void RolloutBaseline::freeze(TspPolicy& policy) {
  frozen_ = policy.copy();
  frozen_->eval();
  for (Tensor parameter : frozen_->parameters()) parameter.requires_grad_(false);
  draw_instances();
}

void RolloutBaseline::draw_instances() {
  instances_offset_ = generator_.offset();
  instances_ = tsp_random_instances(options_.evaluation_size, options_.nodes, generator_);
  lengths_ = greedy_tour_lengths(*frozen_, instances_, options_.batch_size);
}

void RolloutBaseline::restore(uint64_t instances_offset) {
  generator_.set_offset(instances_offset);
  draw_instances();
}

Tensor RolloutBaseline::eval(const Tensor& coords) {
  return greedy_tour_lengths(*frozen_, coords, coords.size(0));
}

RolloutBaseline::EpochResult RolloutBaseline::epoch_callback(TspPolicy& policy) {
  const Tensor candidate = greedy_tour_lengths(policy, instances_, options_.batch_size);
  EpochResult result{.candidate_mean = candidate.to(kFloat64).mean().item<double>(),
                     .baseline_mean = lengths_.to(kFloat64).mean().item<double>(),
                     .test = std::nullopt,
                     .updated = false};
  if (result.candidate_mean < result.baseline_mean) {
    result.test = paired_t_test(candidate, lengths_);
    result.updated = result.test->p_one_sided < options_.alpha;
    if (result.updated) freeze(policy);
  }
  return result;
}

}  // namespace kiln::models
