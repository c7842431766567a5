// Module bookkeeping: names, state_dict round trips and load errors, modes, dtype moves,
// containers, the printed summary; initialisers' statistics; dropout.
#include <gtest/gtest.h>

#include <cmath>

#include "autograd/functions.h"
#include "nn/activation.h"
#include "nn/attention.h"
#include "nn/batch_norm.h"
#include "nn/dropout.h"
#include "nn/embedding.h"
#include "nn/functional.h"
#include "nn/init.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/normalization.h"
#include "tensor/creation.h"
#include "tensor/testing.h"

namespace kiln::nn {
namespace {

using functional::linear;
using testing::error_of;
using testing::expect_same;
using testing::expect_values;

// A model with nesting, as transformer blocks are named.
class Block : public Module {
 public:
  Block() : Module("Block") {
    norm = register_module("norm", std::make_shared<LayerNorm>(Shape{4}));
    layers = register_module("layers", std::make_shared<ModuleList>());
    layers->push_back(std::make_shared<Linear>(4, 4));
    layers->push_back(std::make_shared<Linear>(4, 2, false));
    scale = register_buffer("scale", ones({1}));
    cache = register_buffer("cache", zeros({2}), /*persistent=*/false);
  }
  std::shared_ptr<LayerNorm> norm;
  std::shared_ptr<ModuleList> layers;
  Tensor scale, cache;
};

TEST(Module, NamesParametersAndBuffersLikePyTorch) {
  Block block;
  std::vector<std::string> names;
  for (const auto& [name, p] : block.named_parameters()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"norm.weight", "norm.bias", "layers.0.weight",
                                             "layers.0.bias", "layers.1.weight"}));
  const StateDict state = block.state_dict();
  EXPECT_TRUE(state.contains("scale"));
  EXPECT_FALSE(state.contains("cache"));  // not persistent
  EXPECT_EQ(block.parameter_count(), 4 + 4 + 16 + 4 + 8);
  EXPECT_TRUE(block.layers->at<Linear>(0)->weight.requires_grad());
}

TEST(Module, StateDictRoundTripsIntoAFreshModel) {
  manual_seed(1);
  Block a;
  manual_seed(2);
  Block b;
  b.load_state_dict(a.state_dict());
  const Tensor x = randn({3, 4});
  auto run = [&x](Block& m) {
    return m.layers->at<Linear>(1)->forward(m.layers->at<Linear>(0)->forward(m.norm->forward(x)));
  };
  EXPECT_TRUE(all(eq(run(a), run(b))).item<bool>());
}

TEST(Module, LoadStateDictReportsKeysAndShapes) {
  Block block;
  StateDict state = block.state_dict();
  state.erase("norm.bias");
  state["extra.weight"] = ones({1});
  const std::string strict = error_of([&] { block.load_state_dict(state); });
  EXPECT_NE(strict.find("missing keys 'norm.bias'"), std::string::npos) << strict;
  EXPECT_NE(strict.find("unexpected keys 'extra.weight'"), std::string::npos) << strict;
  const LoadResult loose = block.load_state_dict(state, false);
  EXPECT_EQ(loose.missing_keys, std::vector<std::string>{"norm.bias"});
  EXPECT_EQ(loose.unexpected_keys, std::vector<std::string>{"extra.weight"});
  StateDict wrong = block.state_dict();
  wrong["layers.0.weight"] = ones({4, 3});
  EXPECT_NE(error_of([&] {
              block.load_state_dict(wrong, false);
            }).find("'layers.0.weight' has shape [4, 3] in the state dict but [4, 4]"),
            std::string::npos);
}

TEST(Module, ModesDtypesAndGradients) {
  Block block;
  block.eval();
  EXPECT_FALSE(block.layers->at<Linear>(0)->is_training());
  block.train();
  EXPECT_TRUE(block.norm->is_training());
  const Tensor weight = block.layers->at<Linear>(0)->weight;  // a handle held outside
  block.to(kFloat64);
  EXPECT_EQ(weight.dtype(), kFloat64);
  EXPECT_TRUE(weight.requires_grad());
  EXPECT_EQ(block.scale.dtype(), kFloat64);
  block.layers->at<Linear>(0)->forward(ones({2, 4}, {.dtype = kFloat64})).sum().backward();
  EXPECT_TRUE(weight.grad().defined());
  block.zero_grad();
  EXPECT_FALSE(weight.grad().defined());
}

TEST(Module, RejectsDuplicateAndDottedNames) {
  class Bad : public Module {
   public:
    Bad() : Module("Bad") {}
    void add(const std::string& name) { register_parameter(name, ones({1})); }
  };
  Bad bad;
  bad.add("w");
  EXPECT_NE(error_of([&] { bad.add("w"); }).find("already registered"), std::string::npos);
  EXPECT_NE(error_of([&] { bad.add("a.b"); }).find("no dots"), std::string::npos);
}

TEST(Module, SummaryShowsTheTreeWithParameterCounts) {
  Sequential model(
      {std::make_shared<Linear>(4, 8), std::make_shared<ReLU>(), std::make_shared<Linear>(8, 2)});
  const std::string summary = model.summary();
  EXPECT_NE(summary.find("(0): Linear(in_features=4, out_features=8, bias=true)  # 40 parameters"),
            std::string::npos)
      << summary;
  EXPECT_NE(summary.find("(1): ReLU()"), std::string::npos) << summary;
  EXPECT_NE(summary.find("total parameters: 58"), std::string::npos) << summary;
}

TEST(Module, ContainersAndShapeModules) {
  ModuleDict dict;
  dict.insert("encoder", std::make_shared<Linear>(2, 3));
  EXPECT_TRUE(dict.contains("encoder"));
  EXPECT_TRUE(dict.state_dict().contains("encoder.weight"));
  EXPECT_NE(error_of([&] { dict["decoder"]; }).find("no module named 'decoder'"),
            std::string::npos);
  Sequential shapes({std::make_shared<Flatten>(), std::make_shared<Unflatten>(1, Shape{3, 4})});
  EXPECT_EQ(shapes(ones({2, 3, 2, 2})).shape(), Shape({2, 3, 4}));
  EXPECT_NE(error_of([&] { shapes[5]; }).find("out of range"), std::string::npos);
}

TEST(Module, SharedModulesAreListedOnceButSavedUnderEveryName) {
  auto shared = std::make_shared<Linear>(2, 2);
  Sequential model({shared, shared});
  EXPECT_EQ(model.parameters().size(), 2u);
  EXPECT_EQ(model.parameter_count(), 6);
  EXPECT_EQ(model.state_dict().size(), 4u);
}

// Boundary cases a review found against PyTorch's behaviour.
TEST(Module, BoundaryCasesMatchPyTorch) {
  // BCE with logits at logit 0: d/dx = sigmoid(0) - t.
  Tensor logits = zeros({3}, {.dtype = kFloat64}).requires_grad_();
  const Tensor targets = tensor({1.0, 0.0, 0.3}, TensorOptions{.dtype = kFloat64});
  binary_cross_entropy_with_logits(logits, targets, {}, {}, Reduction::Sum).backward();
  EXPECT_NEAR(logits.grad().to_vector<double>()[0], -0.5, 1e-12);
  EXPECT_NEAR(logits.grad().to_vector<double>()[2], 0.2, 1e-12);
  // leaky_relu's gradient at 0 is the slope.
  Tensor zero = zeros({1}, {.dtype = kFloat64}).requires_grad_();
  LeakyReLU(0.1)(zero).sum().backward();
  EXPECT_NEAR(zero.grad().item<double>(), 0.1, 1e-12);
  // BatchNorm without affine parameters or running statistics.
  BatchNorm1d plain(3, 1e-5, 0.1, false, false);
  EXPECT_EQ(plain(randn({4, 3})).shape(), Shape({4, 3}));
  EXPECT_NE(error_of([&] { plain(randn({1, 3})); }).find("more than one value"), std::string::npos);
  // Orthogonal init of an empty tensor does nothing.
  EXPECT_EQ(init::orthogonal_(empty({0, 3})).numel(), 0);
}

TEST(Module, BatchNormLoadsAStateDictWithoutNumBatchesTracked) {
  // Older PyTorch files lack the counter; a strict load fills it with 0, as PyTorch does.
  BatchNorm1d trained(3);
  trained(randn({4, 3}));
  StateDict old_file = trained.state_dict();
  old_file.erase("num_batches_tracked");
  BatchNorm1d fresh(3);
  fresh(randn({4, 3}));
  const LoadResult result = fresh.load_state_dict(old_file);
  EXPECT_TRUE(result.missing_keys.empty());
  EXPECT_EQ(fresh.num_batches_tracked.item<int64_t>(), 0);
  expect_same(fresh.running_mean, trained.running_mean);
  // Inside a container the counter is filled under the submodule's prefix.
  Sequential model({std::make_shared<BatchNorm1d>(3)});
  StateDict nested = model.state_dict();
  nested.erase("0.num_batches_tracked");
  EXPECT_NO_THROW(model.load_state_dict(nested));
}

TEST(MultiheadAttention, ReturnsTheDroppedWeightsTheOutputUsed) {
  // With dropout in training, PyTorch returns the weights after dropout: the output is
  // exactly out_proj(weights @ v).
  MultiheadAttention mha(4, 1, 0.5, false, std::nullopt, std::nullopt, true);
  mha.to(kFloat64);
  const Tensor x = randn({1, 6, 4}, {.dtype = kFloat64});
  const AttentionResult result = mha.forward(x, x, x, {.average_attn_weights = false});
  const Tensor weights = result.weights.squeeze(1);  // one head: [N, L, S]
  EXPECT_TRUE(any(eq(weights, 0)).item<bool>());
  const Tensor v = linear(x, mha.in_proj_weight.narrow(0, 8, 4));
  const Tensor expected = linear(weights.matmul(v), mha.out_proj->weight);
  expect_values(result.output, expected.to_vector<double>(), 1e-12);
  // In eval mode the weights are the plain softmax: each row sums to 1.
  mha.eval();
  const Tensor eval_weights = mha.forward(x, x, x).weights;
  expect_values(eval_weights.sum({-1}), std::vector<double>(6, 1.0), 1e-12);
}

TEST(Init, DefaultsAndInitialisersHaveTheirStatistics) {
  Generator g(3);
  const Tensor w = empty({200, 300});
  init::xavier_uniform_(w, 1, &g);
  const double bound = std::sqrt(6.0 / 500);
  EXPECT_LE(w.abs().amax().item<double>(), bound);
  EXPECT_NEAR(w.var().item<double>(), bound * bound / 3, 2e-4);
  init::kaiming_normal_(w, 0, init::FanMode::FanIn, "relu", &g);
  EXPECT_NEAR(w.std().item<double>(), std::sqrt(2.0 / 300), 2e-3);
  init::trunc_normal_(w, 0, 1, -1, 1.5, &g);
  EXPECT_GE(w.amin().item<double>(), -1);
  EXPECT_LE(w.amax().item<double>(), 1.5);
  EXPECT_NEAR(init::calculate_gain("leaky_relu", 0.2), std::sqrt(2.0 / 1.04), 1e-12);
  Linear linear(16, 4);
  EXPECT_LE(linear.weight.abs().amax().item<double>(), 0.25);
  Embedding table(5, 3, 2);
  EXPECT_TRUE(all(eq(table.weight.select(0, 2), 0.0)).item<bool>());
}

TEST(Init, OrthogonalGivesOrthonormalRowsOrColumns) {
  Generator g(4);
  for (const Shape& shape : {Shape{6, 3}, Shape{3, 6}, Shape{4, 2, 2}}) {
    const Tensor w = init::orthogonal_(empty(shape, {.dtype = kFloat64}), 1, &g);
    const Tensor m = w.reshape({shape[0], -1});
    const Tensor gram = shape[0] >= m.size(1) ? m.t().matmul(m) : m.matmul(m.t());
    const Tensor identity = eye(gram.size(0), gram.size(0), {.dtype = kFloat64});
    EXPECT_LT((gram - identity).abs().amax().item<double>(), 1e-12) << shape;
  }
}

TEST(Init, SameSeedSameValues) {
  Generator a(9), b(9);
  EXPECT_TRUE(all(eq(init::normal_(empty({10}), 0, 1, &a), init::normal_(empty({10}), 0, 1, &b)))
                  .item<bool>());
}

TEST(Dropout, ScalesKeptElementsAndIsIdentityInEvalUnlessMonteCarlo) {
  manual_seed(5);
  Dropout dropout(0.25);
  const Tensor x = ones({100000});
  const Tensor y = dropout(x);
  const double kept = ne(y, 0.0).to(kFloat64).mean().item<double>();
  EXPECT_NEAR(kept, 0.75, 0.01);
  EXPECT_NEAR(y.amax().item<double>(), 1 / 0.75, 1e-6);
  dropout.eval();
  EXPECT_TRUE(all(eq(dropout(x), x)).item<bool>());
  dropout.set_monte_carlo(true);
  EXPECT_FALSE(all(eq(dropout(x), x)).item<bool>());
}

}  // namespace
}  // namespace kiln::nn
