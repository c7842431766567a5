// Optimizers against PyTorch: the same MLP, data and options for 20 steps; parameters after
// every step must agree (float64: 1e-10 relative; float32: 1e-5). Also gradient clipping,
// and what an optimizer refuses.
#include <functional>

#include "autograd/functions.h"
#include "golden.h"
#include "nn/activation.h"
#include "nn/containers.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "optim/adagrad.h"
#include "optim/adam.h"
#include "optim/clip_grad.h"
#include "optim/rmsprop.h"
#include "optim/sgd.h"
#include "tensor/creation.h"
#include "tensor/testing.h"

namespace kiln::optim {
namespace {

using testing::error_of;
using testing::Golden;

constexpr int kSteps = 20;

std::shared_ptr<nn::Sequential> mlp() {
  return std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::UnaryModule>>{
      std::make_shared<nn::Linear>(4, 8), std::make_shared<nn::Tanh>(),
      std::make_shared<nn::Linear>(8, 3)});
}

struct Case {
  const char* name;
  std::function<std::unique_ptr<Optimizer>(nn::Module&)> make;
  std::optional<double> clip = std::nullopt;
};

void PrintTo(const Case& c, std::ostream* out) {
  *out << c.name;
}

class OptimizerGolden : public ::testing::TestWithParam<Case> {};

TEST_P(OptimizerGolden, TrajectoryMatchesPyTorch) {
  const Case& c = GetParam();
  const Golden golden(c.name, "optim");
  const DType dtype = golden["x"].dtype();
  const double rtol = dtype == kFloat64 ? 1e-10 : 1e-5, atol = dtype == kFloat64 ? 1e-12 : 1e-6;
  auto model = mlp();
  model->to(dtype);
  model->load_state_dict(golden.with_prefix("param."));
  std::unique_ptr<Optimizer> optimizer = c.make(*model);
  const Tensor x = golden["x"], y = golden["y"];
  const Tensor losses = golden["loss"];
  for (int step = 0; step < kSteps; ++step) {
    optimizer->zero_grad();
    const Tensor loss = nn::mse_loss((*model)(x), y);
    EXPECT_NEAR(loss.item<double>(), losses.select(0, step).item<double>(),
                atol + rtol * std::abs(loss.item<double>()))
        << c.name << " step " << step;
    loss.backward();
    if (c.clip) clip_grad_norm_(model->parameters(), *c.clip);
    optimizer->step();
    for (const auto& [name, param] : model->named_parameters()) {
      const std::string key = "trajectory." + name;
      const Tensor expected = golden[key].select(0, step);
      const Golden::Comparison result = golden.compare(param, expected, rtol, atol);
      ASSERT_TRUE(result.passed) << c.name << " step " << step + 1 << ", " << name << ": "
                                 << result.message;
    }
  }
}

template <typename O, typename Options>
std::function<std::unique_ptr<Optimizer>(nn::Module&)> with(Options options) {
  return [options](nn::Module& model) { return std::make_unique<O>(model.parameters(), options); };
}

std::unique_ptr<Optimizer> sgd_groups(nn::Module& model) {
  const auto layers = model.named_children();
  return std::make_unique<SGD>(std::vector<ParamGroup<SGDOptions>>{
      {layers[0].second->parameters(), {.lr = 0.1, .momentum = 0.9}},
      {layers[2].second->parameters(), {.lr = 0.02, .momentum = 0.5, .nesterov = true}}});
}

// The constructor's initial_accumulator_value (0.1) starts both groups' accumulators, not the
// first group's own 0.5, as in torch.optim.Adagrad.
std::unique_ptr<Optimizer> adagrad_groups(nn::Module& model) {
  const auto layers = model.named_children();
  return std::make_unique<Adagrad>(
      std::vector<ParamGroup<AdagradOptions>>{
          {layers[0].second->parameters(), {.lr = 0.1, .initial_accumulator_value = 0.5}},
          {layers[2].second->parameters(),
           {.lr = 0.05, .lr_decay = 0.01, .initial_accumulator_value = 0.1}}},
      0.1);
}

INSTANTIATE_TEST_SUITE_P(
    Optim, OptimizerGolden,
    ::testing::Values(
        Case{"sgd", with<SGD>(SGDOptions{.lr = 0.1})},
        Case{"sgd_momentum_dampening_decay",
             with<SGD>(SGDOptions{
                 .lr = 0.05, .momentum = 0.9, .dampening = 0.1, .weight_decay = 0.01})},
        Case{"sgd_nesterov",
             with<SGD>(SGDOptions{
                 .lr = 0.05, .momentum = 0.9, .weight_decay = 1e-3, .nesterov = true})},
        Case{"sgd_maximize", with<SGD>(SGDOptions{.lr = 0.01, .momentum = 0.5, .maximize = true})},
        Case{"sgd_groups", sgd_groups}, Case{"adam", with<Adam>(AdamOptions{.lr = 1e-2})},
        Case{"adam_amsgrad_decay",
             with<Adam>(AdamOptions{.lr = 1e-2,
                                    .beta1 = 0.8,
                                    .beta2 = 0.99,
                                    .eps = 1e-6,
                                    .weight_decay = 0.1,
                                    .amsgrad = true})},
        Case{"adam_maximize", with<Adam>(AdamOptions{.lr = 1e-3, .maximize = true})},
        Case{"adamw", with<AdamW>(AdamWOptions{.lr = 1e-2, .weight_decay = 0.1})},
        Case{"adamw_amsgrad", with<AdamW>(AdamWOptions{.lr = 1e-2, .amsgrad = true})},
        Case{"adagrad", with<Adagrad>(AdagradOptions{.lr = 0.1,
                                                     .lr_decay = 0.01,
                                                     .weight_decay = 0.01,
                                                     .initial_accumulator_value = 0.1})},
        Case{"adagrad_groups", adagrad_groups},
        Case{"rmsprop", with<RMSprop>(RMSpropOptions{.lr = 0.01})},
        Case{
            "rmsprop_centered_momentum", with<RMSprop>(RMSpropOptions{.lr = 0.01,
                                                                      .alpha = 0.9,
                                                                      .weight_decay = 0.01,
                                                                      .momentum = 0.9,
                                                                      .centered = true})},
        Case{"adam_float32", with<Adam>(AdamOptions{.lr = 1e-2})},
        Case{"sgd_float32_clipped", with<SGD>(SGDOptions{.lr = 0.5, .momentum = 0.9}), 0.5}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(ClipGradNorm, MatchesPyTorch) {
  const std::pair<const char*, std::pair<double, double>> cases[] = {
      {"clip_norm_2", {2.0, 1.0}},
      {"clip_norm_inf", {INFINITY, 0.5}},
      {"clip_norm_1_no_clip", {1.0, 1e3}}};
  for (const auto& [name, options] : cases) {
    const Golden golden(name, "optim");
    std::vector<Tensor> params;
    for (int i = 0; i < 3; ++i) {
      const Tensor grad = golden["grad." + std::to_string(i)];
      Tensor param = zeros_like(grad).requires_grad_();
      param.set_grad(grad.clone());
      params.push_back(param);
    }
    const Tensor total = clip_grad_norm_(params, options.second, options.first);
    golden.expect_close(total, "total", 1e-12, 0);
    for (int i = 0; i < 3; ++i)
      golden.expect_close(params[i].grad(), "clipped." + std::to_string(i), 1e-12, 0);
  }
}

TEST(ClipGrad, ValueClampsAndNonFiniteNormsAreReported) {
  Tensor param = zeros({3}, {.dtype = kFloat64}).requires_grad_();
  param.set_grad(tensor({-3.0, 0.5, 2.0}, TensorOptions{.dtype = kFloat64}));
  clip_grad_value_({param}, 1.0);
  testing::expect_values(param.grad(), {-1.0, 0.5, 1.0});
  param.set_grad(tensor({std::nan(""), 1.0, 0.0}, TensorOptions{.dtype = kFloat64}));
  EXPECT_NE(error_of([&] { clip_grad_norm_({param}, 1.0, 2, true); }).find("is nan"),
            std::string::npos);
  // Without error_if_nonfinite the NaN spreads, as in PyTorch.
  EXPECT_TRUE(std::isnan(clip_grad_norm_({param}, 1.0).item<double>()));
  EXPECT_EQ(clip_grad_norm_({zeros({2}).requires_grad_()}, 1.0).item<double>(), 0);
}

TEST(Optimizer, SkipsParametersWithoutGradientsAndZeroGradDropsThem) {
  Tensor a = ones({2}).requires_grad_(), b = ones({2}).requires_grad_();
  Adam adam({a, b}, {.lr = 0.1});
  a.set_grad(ones({2}));
  adam.step();
  testing::expect_values(a, {0.9, 0.9}, 1e-6);
  testing::expect_values(b, {1.0, 1.0});
  EXPECT_EQ(adam.state_dict().tensors.count("1.exp_avg"), 0u);
  adam.zero_grad();
  EXPECT_FALSE(a.grad().defined());
}

TEST(Optimizer, RejectsBadOptionsAndParameters) {
  const Tensor p = ones({2}).requires_grad_();
  EXPECT_NE(error_of([&] { SGD({p}, {.lr = -1}); }).find("SGD: lr must be non-negative"),
            std::string::npos);
  EXPECT_NE(error_of([&] { SGD({p}, {.lr = 0.1, .nesterov = true}); }).find("nesterov needs"),
            std::string::npos);
  EXPECT_NE(error_of([&] { Adam({p}, {.beta1 = 1.0}); }).find("betas must be in [0, 1)"),
            std::string::npos);
  EXPECT_NE(error_of([&] { AdamW({p}, {.weight_decay = -1}); }).find("AdamW: weight_decay"),
            std::string::npos);
  EXPECT_NE(error_of([] { SGD({ones({2})}, {}); }).find("require grad"), std::string::npos);
  EXPECT_NE(error_of([&] { Adagrad({p}, {}).momentum(0); }).find("Adagrad has no momentum"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              Adagrad(std::vector<ParamGroup<AdagradOptions>>{{{p}, {}}}, -0.1);
            }).find("Adagrad: initial_accumulator_value must be non-negative, got -0.1"),
            std::string::npos);
  // One group runs as one kernel call in one element type.
  Tensor p64 = ones({2}, {.dtype = kFloat64}).requires_grad_();
  p.set_grad(ones({2}));
  p64.set_grad(ones({2}, {.dtype = kFloat64}));
  EXPECT_NE(error_of([&] {
              SGD({p, p64}, {.lr = 0.1}).step();
            }).find("mixes float32 and float64"),
            std::string::npos);
}

TEST(Optimizer, StateDictRoundTripsIntoAFreshOptimizer) {
  Tensor a = ones({2, 2}).requires_grad_();
  RMSprop first({a}, {.lr = 0.1, .momentum = 0.5, .centered = true});
  a.set_grad(full({2, 2}, 0.5));
  first.step();
  const OptimizerState saved = first.state_dict();
  EXPECT_EQ(saved.groups[0]["momentum"], 0.5);
  EXPECT_EQ(saved.groups[0]["params"], nlohmann::json::array({0}));
  EXPECT_EQ(saved.tensors.size(), 4u);  // step, square_avg, grad_avg, momentum_buffer
  RMSprop second({a}, {.lr = 1.0});
  second.load_state_dict(saved);
  EXPECT_EQ(second.lr(0), 0.1);
  // The loaded state is a copy: stepping one optimizer leaves the other's alone.
  first.step();
  EXPECT_EQ(second.state_dict().tensors.at("0.step").item<double>(), 1);
  // Shapes and counts that do not fit are named.
  OptimizerState wrong = saved;
  wrong.tensors["0.square_avg"] = zeros({3});
  EXPECT_NE(error_of([&] { second.load_state_dict(wrong); }).find("'0.square_avg' has shape [3]"),
            std::string::npos);
  wrong = saved;
  wrong.tensors["7.square_avg"] = zeros({2, 2});
  EXPECT_NE(error_of([&] { second.load_state_dict(wrong); }).find("parameter 7"),
            std::string::npos);
  // Options that do not parse change nothing.
  wrong = saved;
  wrong.groups[0]["lr"] = "fast";
  EXPECT_NE(error_of([&] { second.load_state_dict(wrong); }).find("unreadable group options"),
            std::string::npos);
  EXPECT_EQ(second.lr(0), 0.1);
  wrong = saved;
  wrong.groups.push_back(wrong.groups[0]);
  EXPECT_NE(error_of([&] { second.load_state_dict(wrong); }).find("2 parameter groups saved"),
            std::string::npos);
}

}  // namespace
}  // namespace kiln::optim
