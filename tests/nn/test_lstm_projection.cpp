// LSTM with projections (proj_size; Sak et al. 2014), beside its golden test
// (tests/nn/test_golden.cpp): PyTorch's parameter names, order, shapes and initialisation,
// the shapes of the states, and an unbatched input as a batch of one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "nn/recurrent.h"
#include "tensor/creation.h"
#include "tensor/testing.h"

namespace kiln::nn {
namespace {

using testing::expect_same;

std::vector<std::string> parameter_names(const Module& module) {
  std::vector<std::string> names;
  for (const auto& [name, p] : module.named_parameters()) names.push_back(name);
  return names;
}

TEST(LstmProjection, ParametersInPyTorchsOrderAndShapes) {
  const LSTM lstm(3, 5, {.num_layers = 2, .bidirectional = true, .proj_size = 3});
  std::vector<std::string> expected;
  for (const std::string suffix : {"_l0", "_l0_reverse", "_l1", "_l1_reverse"}) {
    for (const char* name : {"weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"}) {
      expected.push_back(name + suffix);
    }
  }
  EXPECT_EQ(parameter_names(lstm), expected);
  const StateDict state = lstm.state_dict();
  EXPECT_EQ(state.at("weight_ih_l0").shape(), (Shape{20, 3}));
  EXPECT_EQ(state.at("weight_hh_l0").shape(), (Shape{20, 3}));
  EXPECT_EQ(state.at("weight_hr_l0_reverse").shape(), (Shape{3, 5}));
  // The second layer reads both directions' projected h: 2 * proj_size features.
  EXPECT_EQ(state.at("weight_ih_l1").shape(), (Shape{20, 6}));
}

TEST(LstmProjection, WithoutBiasesAndWithoutProjection) {
  EXPECT_EQ(parameter_names(LSTM(3, 5, {.bias = false, .proj_size = 2})),
            (std::vector<std::string>{"weight_ih_l0", "weight_hh_l0", "weight_hr_l0"}));
  EXPECT_EQ(parameter_names(LSTM(3, 5)),
            (std::vector<std::string>{"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"}));
}

// Every weight, weight_hr included, from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).
TEST(LstmProjection, InitialisedAsPyTorch) {
  manual_seed(3);
  const LSTM lstm(4, 100, {.proj_size = 10});
  const double bound = 1 / std::sqrt(100.0);
  for (const auto& [name, p] : lstm.named_parameters()) {
    const std::vector<double> values = p.to_vector<double>();
    double largest = 0;
    for (const double v : values) largest = std::max(largest, std::abs(v));
    EXPECT_LE(largest, bound) << name;
    EXPECT_GT(largest, 0.9 * bound) << name;
  }
}

TEST(LstmProjection, StateShapes) {
  LSTM lstm(3, 5, {.num_layers = 2, .batch_first = true, .bidirectional = true, .proj_size = 2});
  const RecurrentResult r = lstm.forward(randn({4, 6, 3}));
  EXPECT_EQ(r.output.shape(), (Shape{4, 6, 4}));
  EXPECT_EQ(r.h_n.shape(), (Shape{4, 4, 2}));
  EXPECT_EQ(r.c_n.shape(), (Shape{4, 4, 5}));
  EXPECT_EQ(lstm.extra_repr(),
            "3, 5, proj_size=2, num_layers=2, batch_first=true, "
            "bidirectional=true");
}

TEST(LstmProjection, UnbatchedIsABatchOfOne) {
  LSTM lstm(3, 5, {.num_layers = 2, .proj_size = 2});
  const Tensor x = randn({6, 3}), h0 = randn({2, 2}), c0 = randn({2, 5});
  const RecurrentResult unbatched = lstm.forward(x, h0, c0);
  const RecurrentResult batched = lstm.forward(x.unsqueeze(1), h0.unsqueeze(1), c0.unsqueeze(1));
  expect_same(unbatched.output, batched.output.squeeze(1));
  expect_same(unbatched.h_n, batched.h_n.squeeze(1));
  expect_same(unbatched.c_n, batched.c_n.squeeze(1));
}

}  // namespace
}  // namespace kiln::nn
