// The attention model of Kool et al. 2019 against its PyTorch twin
// (bench/pytorch/attention_model_twin.py): the same weights by the reference's names give the
// same greedy tours, log-likelihoods, REINFORCE loss, parameter gradients and batch-norm
// statistics in training mode, and the same tours in eval mode; sampling and the decoding
// state keep tours valid; configs round-trip and bad ones are refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <set>
#include <string>

#include "autograd/grad_mode.h"
#include "golden.h"
#include "models/attention_model.h"
#include "models/reinforce_baselines.h"
#include "models/tasks/tsp_instances.h"
#include "optim/adam.h"
#include "tensor/creation.h"
#include "tensor/io/safetensors.h"
#include "tensor/testing.h"

namespace kiln::models {
namespace {

using testing::Golden;

// float32 through two attention layers and nine decoding steps: log-likelihoods, costs and
// the loss to 1e-5 relative; gradients (sums over the batch and the steps) to 1e-4, elements
// near zero within 5e-5 of the gradient's largest or 1e-6, whichever is larger: a bias that
// feeds a batch norm has no gradient in exact arithmetic (the norm removes any shift), so
// both sides hold rounding noise of order 1e-7 there, and the first layer's bias gradient is
// a small sum of cancelling terms (PyTorch's float32 value of init_embed.bias's element 12
// is 2.2e-5 of that gradient's largest away from kiln's float64 one).
constexpr double kRtol = 1e-5, kAtol = 1e-5, kGradRtol = 1e-4, kGradAtolOfLargest = 5e-5;
constexpr double kGradAtolFloor = 1e-6;

void expect_error_contains(const std::function<void()>& call, const std::string& message) {
  const std::string error = testing::error_of(call);
  EXPECT_NE(error.find(message), std::string::npos) << error;
}

AttentionModelConfig fixture_config() {
  const std::string path = std::string(KILN_FIXTURES_DIR) + "/models/attention_model.safetensors";
  return nlohmann::json::parse(load_safetensors(path).metadata.at("twin"))
      .at("config")
      .get<AttentionModelConfig>();
}

TEST(AttentionModel, MatchesPyTorchInTrainingMode) {
  AttentionModel model(fixture_config());
  const Golden golden("attention_model", "models");
  model.load_state_dict(golden.with_prefix("param."));
  const Tensor coords = golden["coords"];
  const TourRollout rollout = model.forward(coords);
  EXPECT_EQ(rollout.tours.to_vector<int64_t>(), golden["tours"].to_vector<int64_t>());
  golden.expect_close(rollout.log_likelihood, "log_likelihood", kRtol, kAtol);
  const Tensor cost = tour_lengths(coords, rollout.tours);
  golden.expect_close(cost, "cost", kRtol, kAtol);
  const Tensor loss = ((cost - golden["baseline"]) * rollout.log_likelihood).mean();
  golden.expect_close(loss, "loss", kRtol, kAtol);
  loss.backward();
  for (const auto& [name, param] : model.named_parameters()) {
    const double largest = golden["grad." + name].abs().amax().item<double>();
    golden.expect_close(param.grad(), "grad." + name, kGradRtol,
                        std::max(kGradAtolOfLargest * largest, kGradAtolFloor));
  }
  for (const auto& [name, buffer] : model.named_buffers())
    golden.expect_close(buffer, "buffer." + name, kRtol, kAtol);
}

TEST(AttentionModel, MatchesPyTorchInEvalMode) {
  AttentionModel model(fixture_config());
  const Golden golden("attention_model", "models");
  model.load_state_dict(golden.with_prefix("param."));
  model.load_state_dict(golden.with_prefix("buffer."), /*strict=*/false);
  model.eval();
  NoGradGuard no_grad;
  const TourRollout rollout = model.forward(golden["coords"]);
  EXPECT_EQ(rollout.tours.to_vector<int64_t>(), golden["eval_tours"].to_vector<int64_t>());
  golden.expect_close(rollout.log_likelihood, "eval_log_likelihood", kRtol, kAtol);
}

TEST(AttentionModel, ParameterNamesAreTheReferences) {
  const AttentionModel model(fixture_config());
  const Golden golden("attention_model", "models");
  std::set<std::string> names, fixture_names;
  for (const auto& [name, value] : model.state_dict()) names.insert(name);
  for (const auto& [name, value] : golden.with_prefix("param.")) fixture_names.insert(name);
  EXPECT_EQ(names, fixture_names);
  EXPECT_TRUE(names.contains("embedder.layers.0.0.module.W_query"));
  EXPECT_TRUE(names.contains("embedder.layers.1.3.normalizer.running_var"));
}

// Each row of tours [B, n] visits every node once.
void expect_permutations(const Tensor& tours) {
  const int64_t nodes = tours.size(1);
  const std::vector<int64_t> values = tours.to_vector<int64_t>();
  for (int64_t row = 0; row < tours.size(0); ++row) {
    std::vector<int64_t> tour(values.begin() + row * nodes, values.begin() + (row + 1) * nodes);
    std::sort(tour.begin(), tour.end());
    std::vector<int64_t> expected(static_cast<size_t>(nodes));
    std::iota(expected.begin(), expected.end(), 0);
    EXPECT_EQ(tour, expected) << "row " << row;
  }
}

TEST(AttentionModel, SamplingGivesValidToursReproduciblyBySeed) {
  manual_seed(3);
  AttentionModel model({.embedding_dim = 16, .n_encode_layers = 1, .n_heads = 2});
  Generator data(5);
  const Tensor coords = tsp_random_instances(64, 7, data);
  auto sample = [&](uint64_t seed) {
    Generator generator(seed);
    return model.forward(coords, {.kind = DecodeStrategy::Kind::Sampling, .generator = &generator});
  };
  const TourRollout first = sample(11), again = sample(11), other = sample(12);
  expect_permutations(first.tours);
  EXPECT_EQ(first.tours.to_vector<int64_t>(), again.tours.to_vector<int64_t>());
  EXPECT_NE(first.tours.to_vector<int64_t>(), other.tours.to_vector<int64_t>());
  // Sampled tours are less likely than greedy ones, and every log-likelihood is finite.
  const TourRollout greedy = model.forward(coords);
  EXPECT_LE(first.log_likelihood.sum().item<double>(), greedy.log_likelihood.sum().item<double>());
  EXPECT_GT(first.log_likelihood.amin().item<double>(), -1e30);
}

TEST(AttentionModel, SampleCategoricalFollowsTheProbabilities) {
  // Column 1 has probability zero and must never be drawn; the others by their weights.
  const Tensor probs = from_vector<float>({0.5f, 0.f, 0.25f, 0.25f}, {1, 4}).expand({40000, 4});
  Generator generator(9);
  const std::vector<int64_t> drawn =
      sample_categorical(probs.contiguous(), &generator).to_vector<int64_t>();
  std::vector<double> frequency(4, 0);
  for (const int64_t index : drawn) frequency[static_cast<size_t>(index)] += 1.0 / 40000;
  EXPECT_NEAR(frequency[0], 0.5, 0.01);
  EXPECT_EQ(frequency[1], 0);
  EXPECT_NEAR(frequency[2], 0.25, 0.01);
  EXPECT_NEAR(frequency[3], 0.25, 0.01);
}

TEST(AttentionModel, TourStateRefusesAVisitTooMany) {
  TourState state(2, 1, kCPU);
  state.visit(zeros({2}, {.dtype = kInt64}));
  EXPECT_TRUE(state.complete());
  expect_error_contains([&] { state.visit(zeros({2}, {.dtype = kInt64})); }, "every node");
}

TEST(AttentionModel, ConfigRoundTripsAndBadOnesAreRefused) {
  const AttentionModelConfig config{.embedding_dim = 32, .n_heads = 4, .tanh_clipping = 0};
  EXPECT_EQ(nlohmann::json(nlohmann::json(config).get<AttentionModelConfig>()),
            nlohmann::json(config));
  expect_error_contains([] { AttentionModel({.embedding_dim = 30, .n_heads = 8}); },
                        "not a multiple of n_heads");
  expect_error_contains([] { AttentionModel({.n_encode_layers = 0}); }, "n_encode_layers");
  AttentionModel model({.embedding_dim = 8, .n_encode_layers = 1, .n_heads = 2});
  expect_error_contains([&] { model.forward(zeros({2, 5, 3})); }, "[B, n, 2]");
}

TEST(ReinforceBaselines, ExponentialMovingAverage) {
  ExponentialBaseline baseline(0.8);
  EXPECT_DOUBLE_EQ(baseline.update(from_vector<float>({2.f, 4.f}, {2})), 3.0);
  EXPECT_DOUBLE_EQ(baseline.update(from_vector<float>({8.f}, {1})), 0.8 * 3 + 0.2 * 8);
}

// A few REINFORCE steps with the exponential baseline: enough to beat the initial weights.
void train_briefly(AttentionModel& policy, int64_t nodes) {
  optim::Adam adam(policy.parameters(), {.lr = 3e-3});
  ExponentialBaseline baseline;
  Generator data(17), sampling(18);
  for (int step = 0; step < 40; ++step) {
    const Tensor coords = tsp_random_instances(64, nodes, data);
    const TourRollout rollout =
        policy.forward(coords, {.kind = DecodeStrategy::Kind::Sampling, .generator = &sampling});
    const Tensor cost = tour_lengths(coords, rollout.tours);
    adam.zero_grad();
    ((cost - baseline.update(cost)) * rollout.log_likelihood).mean().backward();
    adam.step();
  }
}

TEST(ReinforceBaselines, RolloutBaselineReplacesItsCopyOnlyForASignificantlyBetterPolicy) {
  manual_seed(1);
  AttentionModel policy({.embedding_dim = 16, .n_encode_layers = 1, .n_heads = 2});
  RolloutBaseline baseline(policy, 5, {.nodes = 8, .evaluation_size = 500});
  // Its values are the frozen copy's greedy tour lengths.
  Generator data(3);
  const Tensor coords = tsp_random_instances(16, 8, data);
  testing::expect_same(baseline.eval(coords), greedy_tour_lengths(policy, coords), 0, 0);
  // The same policy is no better: kept, without a test.
  const RolloutBaseline::EpochResult same = baseline.epoch_callback(policy);
  EXPECT_FALSE(same.updated);
  EXPECT_FALSE(same.test.has_value());
  EXPECT_EQ(same.candidate_mean, same.baseline_mean);
  // A trained policy is: replaced, and the copy then decodes as the policy does.
  train_briefly(policy, 8);
  const RolloutBaseline::EpochResult better = baseline.epoch_callback(policy);
  EXPECT_LT(better.candidate_mean, better.baseline_mean);
  ASSERT_TRUE(better.test.has_value());
  EXPECT_LT(better.test->p_one_sided, 0.05);
  EXPECT_TRUE(better.updated);
  testing::expect_same(baseline.eval(coords), greedy_tour_lengths(policy, coords), 0, 0);
  // Restoring draws the same evaluation instances again.
  const uint64_t offset = baseline.instances_offset();
  const RolloutBaseline::EpochResult before = baseline.epoch_callback(policy);
  baseline.restore(offset);
  EXPECT_EQ(baseline.epoch_callback(policy).baseline_mean, before.baseline_mean);
}

TEST(ReinforceBaselines, PairedTTestMatchesScipy) {
  // Differences -0.5, -0.2, -0.9, -0.1, -0.1: mean -0.36, sample std sqrt(0.118), so
  // t = -0.36 / sqrt(0.118 / 5) = -2.3434004; with 4 degrees of freedom Student's CDF has the
  // closed form 1/2 + 3/8 s (1 - t^2 / (12 (1 + t^2 / 4))), s = t / sqrt(1 + t^2 / 4).
  const PairedTTest test = paired_t_test(from_vector<double>({1, 2, 3, 4, 5.5}, {5}),
                                         from_vector<double>({1.5, 2.2, 3.9, 4.1, 5.6}, {5}));
  const double t = -0.36 / std::sqrt(0.118 / 5), s = t / std::sqrt(1 + t * t / 4);
  EXPECT_NEAR(test.t, t, 1e-12);
  EXPECT_NEAR(test.p_one_sided, 0.5 + 0.375 * s * (1 - t * t / (12 * (1 + t * t / 4))), 1e-12);
  // Equal samples: no evidence either way.
  EXPECT_EQ(
      paired_t_test(from_vector<double>({1, 2}, {2}), from_vector<double>({1, 2}, {2})).p_one_sided,
      1.0);
}

}  // namespace
}  // namespace kiln::models
