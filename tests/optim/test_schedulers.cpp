// Learning-rate schedules against PyTorch: 100 steps of rates (30 for the later schedules, on
// two groups), and momenta, which OneCycleLR and CyclicLR cycle, from the same options,
// within 1e-12 relative. Also state-dict round trips and what each schedule refuses.
#include <cmath>
#include <functional>

#include "golden.h"
#include "optim/adagrad.h"
#include "optim/adam.h"
#include "optim/chained_scheduler.h"
#include "optim/constant_lr.h"
#include "optim/cosine_annealing_warm_restarts.h"
#include "optim/cyclic_lr.h"
#include "optim/lambda_lr.h"
#include "optim/lr_scheduler.h"
#include "optim/one_cycle_lr.h"
#include "optim/polynomial_lr.h"
#include "optim/reduce_lr_on_plateau.h"
#include "optim/sgd.h"
#include "tensor/creation.h"
#include "tensor/testing.h"

namespace kiln::optim {
namespace {

using testing::error_of;
using testing::Golden;

constexpr int kSteps = 100;
// The rates of the two groups in the later fixtures.
const std::vector<double> kTwoGroups = {0.1, 0.05};

struct Run {
  std::vector<Tensor> params;  // kept alive for the optimizer
  std::unique_ptr<Optimizer> optimizer;
};

// One parameter per group with the given rates: SGD with momentum 0.9, or Adam.
Run optimizer_with(const std::vector<double>& lrs, bool adam) {
  Run run;
  std::vector<ParamGroup<SGDOptions>> sgd_groups;
  std::vector<ParamGroup<AdamOptions>> adam_groups;
  for (double lr : lrs) {
    run.params.push_back(zeros({1}).requires_grad_());
    sgd_groups.push_back({{run.params.back()}, {.lr = lr, .momentum = 0.9}});
    adam_groups.push_back({{run.params.back()}, {.lr = lr}});
  }
  if (adam) {
    run.optimizer = std::make_unique<Adam>(adam_groups);
  } else {
    run.optimizer = std::make_unique<SGD>(sgd_groups);
  }
  return run;
}

// Compares the rates and momenta before the first step and after each step the fixture
// records.
void check_schedule(const std::string& name, const std::vector<double>& lrs, bool adam,
                    const std::function<std::function<void(int)>(Optimizer&)>& attach) {
  const Golden golden(name, "optim");
  const int steps = static_cast<int>(golden["lr"].size(0)) - 1;
  Run run = optimizer_with(lrs, adam);
  Optimizer& optimizer = *run.optimizer;
  const std::function<void(int)> step = attach(optimizer);
  std::vector<double> seen_lr, seen_momentum;
  auto record = [&] {
    for (size_t g = 0; g < optimizer.group_count(); ++g) {
      seen_lr.push_back(optimizer.lr(g));
      seen_momentum.push_back(optimizer.momentum(g));
    }
  };
  record();
  for (int k = 0; k < steps; ++k) {
    step(k);
    record();
  }
  const Shape shape{steps + 1, static_cast<int64_t>(lrs.size())};
  golden.expect_close(from_vector(seen_lr, shape), "lr", 1e-12, 0);
  golden.expect_close(from_vector(seen_momentum, shape), "momentum", 1e-12, 0);
}

template <typename Scheduler, typename... Args>
std::function<std::function<void(int)>(Optimizer&)> stepping(Args... args) {
  return [=](Optimizer& optimizer) {
    auto scheduler = std::make_shared<Scheduler>(optimizer, args...);
    return std::function<void(int)>([scheduler](int) { scheduler->step(); });
  };
}

TEST(Schedulers, MatchPyTorch) {
  check_schedule("step_lr", {0.1, 0.01}, false, stepping<StepLR>(int64_t{30}, 0.1));
  check_schedule("multi_step_lr", {0.1}, false,
                 stepping<MultiStepLR>(std::vector<int64_t>{30, 60, 60, 80}, 0.5));
  check_schedule("exponential_lr", {0.1}, false, stepping<ExponentialLR>(0.95));
  check_schedule("cosine_annealing_lr", {0.1, 0.05}, false,
                 stepping<CosineAnnealingLR>(int64_t{30}, 1e-3));
  check_schedule("linear_lr", {0.1}, false, stepping<LinearLR>(0.25, 1.0, int64_t{10}));
  check_schedule("linear_warmup_cosine", {0.1}, false, [](Optimizer& optimizer) {
    auto scheduler = linear_warmup_cosine(optimizer, 10, 100, 0.01, 1e-4);
    return std::function<void(int)>([scheduler](int) { scheduler->step(); });
  });
  check_schedule("one_cycle_lr", {0.1}, false,
                 stepping<OneCycleLR>(OneCycleOptions{.max_lr = {0.5}, .total_steps = kSteps}));
  check_schedule("one_cycle_lr_three_phase_linear_adam", {0.1, 0.1}, true,
                 stepping<OneCycleLR>(OneCycleOptions{.max_lr = {0.5, 0.1},
                                                      .total_steps = kSteps,
                                                      .pct_start = 0.25,
                                                      .anneal_strategy = "linear",
                                                      .base_momentum = 0.8,
                                                      .max_momentum = 0.9,
                                                      .div_factor = 10,
                                                      .final_div_factor = 100,
                                                      .three_phase = true}));
}

TEST(Schedulers, ReduceLROnPlateauMatchesPyTorchOnAFixedLossSequence) {
  const std::pair<const char*, PlateauOptions> cases[] = {
      {"reduce_lr_on_plateau",
       {.factor = 0.5, .patience = 3, .threshold = 0.01, .cooldown = 2, .min_lr = {1e-3, 2e-3}}},
      {"reduce_lr_on_plateau_max_abs",
       {.mode = "max", .factor = 0.3, .patience = 2, .threshold = 0.05, .threshold_mode = "abs"}}};
  for (const auto& [name, options] : cases) {
    const std::vector<double> metrics = Golden(name, "optim")["metrics"].to_vector<double>();
    const std::vector<double> lrs = std::string(name) == "reduce_lr_on_plateau"
                                        ? std::vector<double>{0.1, 0.2}
                                        : std::vector<double>{0.1};
    check_schedule(name, lrs, false, [&](Optimizer& optimizer) {
      auto scheduler = std::make_shared<ReduceLROnPlateau>(optimizer, options);
      return std::function<void(int)>([scheduler, metrics](int k) { scheduler->step(metrics[k]); });
    });
  }
}

TEST(Schedulers, StateDictResumesTheSequence) {
  // 40 steps straight, or 25 then a fresh optimizer and schedule loaded from the state dicts
  // and 15 more: the same rates.
  auto straight = optimizer_with({0.1}, false);
  auto schedule = linear_warmup_cosine(*straight.optimizer, 10, 60, 0.01);
  for (int k = 0; k < 40; ++k) schedule->step();

  auto first = optimizer_with({0.1}, false);
  auto first_schedule = linear_warmup_cosine(*first.optimizer, 10, 60, 0.01);
  for (int k = 0; k < 25; ++k) first_schedule->step();
  auto second = optimizer_with({0.1}, false);
  auto second_schedule = linear_warmup_cosine(*second.optimizer, 10, 60, 0.01);
  second.optimizer->load_state_dict(first.optimizer->state_dict());
  second_schedule->load_state_dict(nlohmann::json::parse(first_schedule->state_dict().dump()));
  for (int k = 0; k < 15; ++k) second_schedule->step();
  EXPECT_EQ(second.optimizer->lr(0), straight.optimizer->lr(0));
  EXPECT_EQ(second_schedule->last_epoch(), 40);

  auto plateau_run = optimizer_with({0.1}, false);
  ReduceLROnPlateau plateau(*plateau_run.optimizer, {.patience = 1});
  plateau.step(1.0);
  ReduceLROnPlateau restored(*plateau_run.optimizer, {.patience = 1});
  restored.load_state_dict(nlohmann::json::parse(plateau.state_dict().dump()));
  restored.step(1.0);
  restored.step(1.0);  // two bad epochs after the best: reduced
  EXPECT_NEAR(plateau_run.optimizer->lr(0), 0.01, 1e-15);
  // A fresh plateau (best still infinite) survives the JSON round trip too.
  ReduceLROnPlateau fresh(*plateau_run.optimizer);
  EXPECT_NO_THROW(fresh.load_state_dict(nlohmann::json::parse(fresh.state_dict().dump())));
}

TEST(Schedulers, RejectBadOptions) {
  auto run = optimizer_with({0.1}, false);
  Optimizer& optimizer = *run.optimizer;
  EXPECT_NE(error_of([&] { StepLR(optimizer, 0); }).find("step_size must be positive"),
            std::string::npos);
  EXPECT_NE(error_of([&] { linear_warmup_cosine(optimizer, 10, 5); }).find("warmup_steps"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              OneCycleLR(optimizer, {.max_lr = {0.1}, .total_steps = 0});
            }).find("total_steps must be positive"),
            std::string::npos);
  // pct_start * total_steps = 1: the rising phase would have no length (PyTorch divides by 0).
  EXPECT_NE(error_of([&] {
              OneCycleLR(optimizer, {.max_lr = {0.1}, .total_steps = 10, .pct_start = 0.1});
            }).find("a phase of zero length"),
            std::string::npos);
  OneCycleLR cycle(optimizer, {.max_lr = {0.1}, .total_steps = 2});
  cycle.step();
  cycle.step();
  EXPECT_NE(error_of([&] { cycle.step(); }).find("stepped 3 times, but total_steps is 2"),
            std::string::npos);
  EXPECT_NE(error_of([&] { ReduceLROnPlateau(optimizer, {.factor = 1.5}); }).find("below 1"),
            std::string::npos);
  std::vector<Tensor> params = {zeros({1}).requires_grad_()};
  Adagrad adagrad(params, {});
  EXPECT_NE(error_of([&] {
              OneCycleLR(adagrad, {.max_lr = {0.1}, .total_steps = 5});
            }).find("Adagrad has no momentum or beta1 to cycle"),
            std::string::npos);
}

TEST(Schedulers, ConstantAndPolynomialLRMatchPyTorch) {
  check_schedule("constant_lr", kTwoGroups, false, stepping<ConstantLR>(0.5, int64_t{8}));
  check_schedule("polynomial_lr", kTwoGroups, false, stepping<PolynomialLR>(int64_t{20}, 2.0));
  check_schedule("polynomial_lr_linear", kTwoGroups, false, stepping<PolynomialLR>(int64_t{12}));
}

TEST(Schedulers, LambdaAndMultiplicativeLRMatchPyTorch) {
  const LRLambda decay = [](int64_t epoch) { return std::pow(0.95, epoch); };
  const LRLambda inverse = [](int64_t epoch) { return 1.0 / static_cast<double>(1 + epoch); };
  check_schedule("lambda_lr", kTwoGroups, false,
                 stepping<LambdaLR>(std::vector<LRLambda>{decay, inverse}));
  check_schedule("multiplicative_lr", kTwoGroups, false, stepping<MultiplicativeLR>(decay));
}

TEST(Schedulers, ChainedSchedulerMatchesPyTorch) {
  check_schedule("chained_constant_exponential", kTwoGroups, false, [](Optimizer& optimizer) {
    auto chain = std::make_shared<ChainedScheduler>(
        std::vector<std::shared_ptr<LRScheduler>>{std::make_shared<ConstantLR>(optimizer, 0.1, 4),
                                                  std::make_shared<ExponentialLR>(optimizer, 0.9)});
    return std::function<void(int)>([chain](int) { chain->step(); });
  });
  // Inside SequentialLR, which undoes the initial steps of the chain's schedules.
  check_schedule("sequential_chain_then_cosine", kTwoGroups, false, [](Optimizer& optimizer) {
    auto chain = std::make_shared<ChainedScheduler>(
        std::vector<std::shared_ptr<LRScheduler>>{std::make_shared<ConstantLR>(optimizer, 0.5, 3),
                                                  std::make_shared<ExponentialLR>(optimizer, 0.9)});
    auto cosine = std::make_shared<CosineAnnealingLR>(optimizer, 10, 1e-3);
    auto sequence = std::make_shared<SequentialLR>(
        optimizer, std::vector<std::shared_ptr<LRScheduler>>{chain, cosine},
        std::vector<int64_t>{6});
    return std::function<void(int)>([sequence](int) { sequence->step(); });
  });
}

TEST(Schedulers, CosineAnnealingWarmRestartsMatchesPyTorch) {
  check_schedule("cosine_warm_restarts", kTwoGroups, false,
                 stepping<CosineAnnealingWarmRestarts>(int64_t{7}, int64_t{1}, 1e-3));
  check_schedule("cosine_warm_restarts_t_mult_2", kTwoGroups, false,
                 stepping<CosineAnnealingWarmRestarts>(int64_t{3}, int64_t{2}));
  // step(epoch) with fractional epochs, forward and then back to an earlier one.
  const std::pair<const char*, std::pair<int64_t, int64_t>> fractional[] = {
      {"cosine_warm_restarts_fractional", {2, 2}},
      {"cosine_warm_restarts_fractional_t_mult_1", {3, 1}}};
  for (const auto& [name, periods] : fractional) {
    const std::vector<double> epochs = Golden(name, "optim")["epochs"].to_vector<double>();
    const double eta_min = periods.second == 2 ? 1e-4 : 0;
    check_schedule(name, kTwoGroups, false, [&](Optimizer& optimizer) {
      auto scheduler = std::make_shared<CosineAnnealingWarmRestarts>(optimizer, periods.first,
                                                                     periods.second, eta_min);
      return std::function<void(int)>([scheduler, epochs](int k) { scheduler->step(epochs[k]); });
    });
  }
}

TEST(Schedulers, CyclicLRMatchesPyTorchInEveryMode) {
  check_schedule("cyclic_lr_triangular", kTwoGroups, false,
                 stepping<CyclicLR>(
                     CyclicOptions{.base_lr = {0.01}, .max_lr = {0.1, 0.05}, .step_size_up = 4}));
  check_schedule("cyclic_lr_triangular2", kTwoGroups, false,
                 stepping<CyclicLR>(CyclicOptions{.base_lr = {0.01, 0.02},
                                                  .max_lr = {0.1},
                                                  .step_size_up = 3,
                                                  .step_size_down = 5,
                                                  .mode = "triangular2",
                                                  .base_momentum = {0.8, 0.85},
                                                  .max_momentum = {0.95}}));
  // Adam: beta1 cycles.
  check_schedule("cyclic_lr_exp_range_adam", kTwoGroups, true,
                 stepping<CyclicLR>(CyclicOptions{.base_lr = {0.001},
                                                  .max_lr = {0.01},
                                                  .step_size_up = 5,
                                                  .mode = "exp_range",
                                                  .gamma = 0.95}));
  check_schedule(
      "cyclic_lr_scale_fn_iterations", kTwoGroups, false,
      stepping<CyclicLR>(CyclicOptions{.base_lr = {0.01},
                                       .max_lr = {0.1},
                                       .step_size_up = 2,
                                       .step_size_down = 4,
                                       .scale_fn = [](double x) { return 1 / (1 + 0.1 * x); },
                                       .scale_mode = "iterations"}));
  check_schedule(
      "cyclic_lr_scale_fn_cycle_no_momentum", kTwoGroups, false,
      stepping<CyclicLR>(CyclicOptions{.base_lr = {0.01},
                                       .max_lr = {0.1},
                                       .step_size_up = 3,
                                       .scale_fn = [](double x) { return std::pow(0.5, x); },
                                       .cycle_momentum = false}));
}

// 30 steps straight, or 12 steps, then a fresh optimizer and schedule loaded from the state
// dicts (through JSON text) and 18 more: the same rates and momenta, bit for bit.
void expect_resumes(const std::string& what, bool adam,
                    const std::function<std::shared_ptr<LRScheduler>(Optimizer&)>& make) {
  SCOPED_TRACE(what);
  auto straight = optimizer_with(kTwoGroups, adam);
  auto straight_schedule = make(*straight.optimizer);
  for (int k = 0; k < 30; ++k) straight_schedule->step();

  auto first = optimizer_with(kTwoGroups, adam);
  auto first_schedule = make(*first.optimizer);
  for (int k = 0; k < 12; ++k) first_schedule->step();
  auto second = optimizer_with(kTwoGroups, adam);
  auto second_schedule = make(*second.optimizer);
  second.optimizer->load_state_dict(first.optimizer->state_dict());
  second_schedule->load_state_dict(nlohmann::json::parse(first_schedule->state_dict().dump()));
  for (int k = 0; k < 18; ++k) second_schedule->step();

  for (size_t g = 0; g < kTwoGroups.size(); ++g) {
    EXPECT_EQ(second.optimizer->lr(g), straight.optimizer->lr(g)) << "group " << g;
    EXPECT_EQ(second.optimizer->momentum(g), straight.optimizer->momentum(g)) << "group " << g;
  }
  EXPECT_EQ(second_schedule->last_lr(), straight_schedule->last_lr());
  EXPECT_EQ(second_schedule->last_epoch(), straight_schedule->last_epoch());
}

TEST(Schedulers, NewSchedulesResumeFromTheirStateDicts) {
  expect_resumes("ConstantLR", false,
                 [](Optimizer& o) { return std::make_shared<ConstantLR>(o, 0.5, 20); });
  expect_resumes("PolynomialLR", false,
                 [](Optimizer& o) { return std::make_shared<PolynomialLR>(o, 25, 2.0); });
  // The functions are not in the state: the fresh schedule is built with the same ones.
  expect_resumes("LambdaLR", false, [](Optimizer& o) {
    return std::make_shared<LambdaLR>(o, [](int64_t epoch) { return std::pow(0.9, epoch); });
  });
  expect_resumes("MultiplicativeLR", false, [](Optimizer& o) {
    return std::make_shared<MultiplicativeLR>(o, [](int64_t) { return 0.9; });
  });
  expect_resumes("ChainedScheduler", false, [](Optimizer& o) {
    return std::make_shared<ChainedScheduler>(std::vector<std::shared_ptr<LRScheduler>>{
        std::make_shared<ConstantLR>(o, 0.5, 15), std::make_shared<ExponentialLR>(o, 0.9)});
  });
  expect_resumes("CosineAnnealingWarmRestarts", false, [](Optimizer& o) {
    return std::make_shared<CosineAnnealingWarmRestarts>(o, 3, 2, 1e-3);
  });
  expect_resumes("CyclicLR", true, [](Optimizer& o) {
    return std::make_shared<CyclicLR>(o, CyclicOptions{.base_lr = {0.01},
                                                       .max_lr = {0.1},
                                                       .step_size_up = 4,
                                                       .step_size_down = 7,
                                                       .mode = "triangular2"});
  });

  // A fractional period position survives the round trip too.
  auto run = optimizer_with(kTwoGroups, false);
  CosineAnnealingWarmRestarts warm(*run.optimizer, 2, 2);
  warm.step(4.3);
  auto fresh_run = optimizer_with(kTwoGroups, false);
  CosineAnnealingWarmRestarts fresh(*fresh_run.optimizer, 2, 2);
  fresh.load_state_dict(nlohmann::json::parse(warm.state_dict().dump()));
  warm.step();
  fresh.step();
  EXPECT_EQ(fresh.last_lr(), warm.last_lr());
  EXPECT_EQ(fresh.last_epoch(), 5);
}

TEST(Schedulers, NewSchedulesRejectBadOptions) {
  auto run = optimizer_with({0.1}, false);
  Optimizer& optimizer = *run.optimizer;
  auto expect_error = [](const std::function<void()>& action, const std::string& message) {
    const std::string error = error_of(action);
    EXPECT_NE(error.find(message), std::string::npos) << error;
  };
  expect_error([&] { ConstantLR(optimizer, 1.5); },
               "ConstantLR: factor must be in [0, 1], got 1.5");
  expect_error([&] { ConstantLR(optimizer, 0.5, 0); }, "ConstantLR: total_iters must be positive");
  // PyTorch divides by a factor of 0 when the constant phase ends.
  ConstantLR frozen(optimizer, 0, 2);
  frozen.step();
  expect_error([&] { frozen.step(); }, "a factor of 0 cannot be undone at total_iters (2)");
  expect_error([&] { PolynomialLR(optimizer, 0); }, "PolynomialLR: total_iters must be positive");

  const LRLambda one = [](int64_t) { return 1.0; };
  expect_error(
      [&] {
        LambdaLR(optimizer, std::vector<LRLambda>{one, one});
      },
      "LambdaLR: expected 1 lr_lambdas (one per parameter group), got 2");
  expect_error([&] { MultiplicativeLR(optimizer, LRLambda{}); },
               "MultiplicativeLR: lr_lambda for group 0 is empty");

  expect_error([] { ChainedScheduler({}); }, "ChainedScheduler: needs at least one scheduler");
  auto other = optimizer_with({0.1}, false);
  expect_error(
      [&] {
        ChainedScheduler({std::make_shared<ExponentialLR>(optimizer, 0.9),
                          std::make_shared<ExponentialLR>(*other.optimizer, 0.9)});
      },
      "every scheduler must belong to the same optimizer; scheduler 1 has another");
  nlohmann::json one_schedule =
      ChainedScheduler({std::make_shared<ExponentialLR>(optimizer, 0.9)}).state_dict();
  ChainedScheduler two({std::make_shared<ExponentialLR>(optimizer, 0.9),
                        std::make_shared<ExponentialLR>(optimizer, 0.9)});
  expect_error([&] { two.load_state_dict(one_schedule); },
               "ChainedScheduler load_state_dict: the state does not hold 2 schedulers");

  expect_error([&] { CosineAnnealingWarmRestarts(optimizer, 0); },
               "CosineAnnealingWarmRestarts: T_0 must be a positive integer, got 0");
  expect_error([&] { CosineAnnealingWarmRestarts(optimizer, 5, 0); },
               "T_mult must be an integer >= 1, got 0");
  CosineAnnealingWarmRestarts warm(optimizer, 5);
  expect_error([&] { warm.step(-0.5); }, "epoch must be non-negative, got -0.5");
  nlohmann::json no_period = warm.state_dict();
  no_period.erase("T_i");
  expect_error([&] { warm.load_state_dict(no_period); },
               "CosineAnnealingWarmRestarts load_state_dict: the state has no T_i and T_cur");

  const CyclicOptions cyclic{.base_lr = {0.01}, .max_lr = {0.1}};
  expect_error(
      [&] {
        CyclicOptions o = cyclic;
        o.mode = "square";
        CyclicLR(optimizer, o);
      },
      "CyclicLR: mode must be 'triangular', 'triangular2' or 'exp_range' when there is no "
      "scale_fn, got 'square'");
  expect_error(
      [&] {
        CyclicOptions o = cyclic;
        o.scale_fn = [](double) { return 1.0; };
        o.scale_mode = "epochs";
        CyclicLR(optimizer, o);
      },
      "scale_mode must be 'cycle' or 'iterations', got 'epochs'");
  expect_error(
      [&] {
        CyclicOptions o = cyclic;
        o.step_size_up = 0;
        CyclicLR(optimizer, o);
      },
      "CyclicLR: step_size_up must be positive, got 0");
  expect_error(
      [&] {
        CyclicOptions o = cyclic;
        o.max_lr = {0.1, 0.2, 0.3};
        CyclicLR(optimizer, o);
      },
      "CyclicLR: max_lr must have one value or one per parameter group (1), got 3");
  expect_error([&] { CyclicLR(optimizer, {.max_lr = {0.1}}); }, "base_lr must have one value");
  std::vector<Tensor> params = {zeros({1}).requires_grad_()};
  Adagrad adagrad(params, {});
  expect_error([&] { CyclicLR(adagrad, cyclic); },
               "CyclicLR: Adagrad has no momentum or beta1 to cycle; set cycle_momentum to false");
  CyclicOptions no_momentum = cyclic;
  no_momentum.cycle_momentum = false;
  EXPECT_NO_THROW(CyclicLR(adagrad, no_momentum));
}

}  // namespace
}  // namespace kiln::optim
