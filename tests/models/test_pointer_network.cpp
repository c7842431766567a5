// Bello et al.'s pointer network and LSTM critic against their PyTorch twin
// (bench/pytorch/pointer_network_twin.py): the same weights by the reference's names give the
// same greedy tours, log-likelihoods, critic values, actor-critic loss and every gradient of
// both networks, and the same log-likelihood of given tours (teacher forcing); sampling gives
// valid tours; bad configs and inputs are refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <string>

#include "golden.h"
#include "models/pointer_network.h"
#include "models/tasks/tsp_instances.h"
#include "tensor/creation.h"
#include "tensor/io/safetensors.h"
#include "tensor/testing.h"

namespace kiln::models {
namespace {

using testing::Golden;

// float32 through 7 LSTM steps: outputs to 1e-5 relative; gradients to 1e-4, elements near
// zero within 1e-5 of the gradient's largest.
constexpr double kRtol = 1e-5, kAtol = 1e-5, kGradRtol = 1e-4, kGradAtolOfLargest = 1e-5;

PointerNetworkConfig fixture_config() {
  const std::string path = std::string(KILN_FIXTURES_DIR) + "/models/pointer_network.safetensors";
  return nlohmann::json::parse(load_safetensors(path).metadata.at("twin"))
      .at("config")
      .get<PointerNetworkConfig>();
}

void expect_gradients(const nn::Module& module, const Golden& golden, const std::string& prefix) {
  for (const auto& [name, param] : module.named_parameters()) {
    if (!golden.has(prefix + name)) {
      // The pointer network never reads its encoder's initial state (it starts from zeros).
      EXPECT_FALSE(param.grad().defined()) << name;
      continue;
    }
    const double largest = golden[prefix + name].abs().amax().item<double>();
    golden.expect_close(param.grad(), prefix + name, kGradRtol, kGradAtolOfLargest * largest);
  }
}

TEST(PointerNetwork, MatchesPyTorch) {
  const Golden golden("pointer_network", "models");
  PointerNetwork model(fixture_config());
  model.load_state_dict(golden.with_prefix("param."));
  CriticNetworkLSTM critic(12, 3, 10);
  critic.load_state_dict(golden.with_prefix("critic."));
  const Tensor coords = golden["coords"];
  const TourRollout rollout = model.forward(coords);
  EXPECT_EQ(rollout.tours.to_vector<int64_t>(), golden["tours"].to_vector<int64_t>());
  golden.expect_close(rollout.log_likelihood, "log_likelihood", kRtol, kAtol);
  const Tensor cost = tour_lengths(coords, rollout.tours);
  const Tensor value = critic.forward(coords);
  golden.expect_close(value, "value", kRtol, kAtol);
  const Tensor loss =
      ((cost - value.detach()) * rollout.log_likelihood).mean() + (value - cost).square().mean();
  golden.expect_close(loss, "loss", kRtol, kAtol);
  loss.backward();
  expect_gradients(model, golden, "grad.");
  expect_gradients(critic, golden, "critic_grad.");
  golden.expect_close(model.log_likelihood(coords, golden["given_tours"]), "given_log_likelihood",
                      kRtol, kAtol);
}

TEST(PointerNetwork, ParameterNamesAreTheReferences) {
  const Golden golden("pointer_network", "models");
  std::set<std::string> names, fixture_names;
  for (const auto& [name, value] : PointerNetwork(fixture_config()).state_dict())
    names.insert(name);
  for (const auto& [name, value] : golden.with_prefix("param.")) fixture_names.insert(name);
  EXPECT_EQ(names, fixture_names);
  EXPECT_TRUE(names.contains("decoder.pointer.project_ref.weight"));
  std::set<std::string> critic_names, fixture_critic_names;
  for (const auto& [name, value] : CriticNetworkLSTM(12).state_dict()) critic_names.insert(name);
  for (const auto& [name, value] : golden.with_prefix("critic.")) fixture_critic_names.insert(name);
  EXPECT_EQ(critic_names, fixture_critic_names);
}

TEST(PointerNetwork, SamplingGivesValidTours) {
  manual_seed(4);
  PointerNetwork model({.embedding_dim = 8, .hidden_dim = 8});
  Generator data(1), sampling(2);
  const Tensor coords = tsp_random_instances(32, 9, data);
  const TourRollout rollout =
      model.forward(coords, {.kind = DecodeStrategy::Kind::Sampling, .generator = &sampling});
  check_tours(rollout.tours, 9);
  testing::expect_same(model.log_likelihood(coords, rollout.tours), rollout.log_likelihood, 1e-5,
                       1e-5);
}

TEST(PointerNetwork, BadConfigsAndInputsAreRefused) {
  auto expect_error = [](const std::function<void()>& call, const std::string& message) {
    const std::string error = testing::error_of(call);
    EXPECT_NE(error.find(message), std::string::npos) << error;
  };
  expect_error([] { PointerNetwork({.hidden_dim = 0}); }, "must be positive");
  expect_error([] { PointerNetwork({.n_glimpses = -1}); }, "must be >= 0");
  PointerNetwork model({.embedding_dim = 4, .hidden_dim = 4});
  expect_error([&] { model.forward(zeros({2, 3})); }, "expected coordinates [B, n, 2]");
  expect_error([&] { model.log_likelihood(zeros({2, 3, 2}), zeros({2, 3})); }, "int64 tours");
}

}  // namespace
}  // namespace kiln::models
