// DLinear against its PyTorch twin (bench/pytorch/dlinear_twin.py, checked against
// LTSF-Linear's and Time-Series-Library's models/DLinear.py): the same weights by the
// reference's names give the same forecast, loss and parameter gradients, with the linear
// layers shared and per channel; the decomposition keeps the length and splits a constant
// into itself and zero; configs round-trip and bad ones are refused; the recipe is the
// paper's scripts'.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "forecaster_golden.h"
#include "models/forecast/dlinear.h"
#include "models/forecast/forecasters.h"
#include "tensor/creation.h"
#include "tensor/testing.h"

namespace kiln::models {
namespace {

using testing::Golden;

// float32 through two linear layers over 24 steps: forecast and loss to 1e-5 relative; the
// gradients sum over the batch and the horizon, so to 1e-5 relative plus 1e-6 of the largest.
constexpr testing::ForecastTolerances kTolerances = {.rtol = 1e-5,
                                                     .atol = 1e-6,
                                                     .grad_rtol = 1e-5,
                                                     .grad_atol_of_largest = 1e-6,
                                                     .grad_atol_floor = 1e-6};

class DLinearGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(DLinearGolden, MatchesPyTorch) {
  const testing::ForecasterFixture fixture = testing::forecaster_fixture(GetParam());
  const std::shared_ptr<Forecaster> model =
      make_forecaster("dlinear", fixture.shape, fixture.config);
  const Golden golden(GetParam(), "models");
  const nn::StateDict params = golden.with_prefix("param.");
  EXPECT_EQ(testing::keys_of(model->state_dict()), testing::keys_of(params));
  model->load_state_dict(params);
  testing::expect_training_pass_matches(*model, golden, kTolerances, {.x_mark = "", .target = "y"});
}

INSTANTIATE_TEST_SUITE_P(SharedAndPerChannel, DLinearGolden,
                         ::testing::Values("dlinear", "dlinear_individual"));

TEST(DLinear, PerChannelLayersAreAModuleListOfLinears) {
  const DLinear model({.lookback = 12, .horizon = 4, .channels = 3},
                      {.individual = true, .moving_avg = 5});
  std::set<std::string> expected;
  for (const std::string part : {"Linear_Seasonal", "Linear_Trend"})
    for (const std::string c : {"0", "1", "2"})
      for (const std::string tensor : {"weight", "bias"})
        expected.insert(part + "." + c + "." + tensor);
  EXPECT_EQ(testing::keys_of(model.state_dict()), expected);
}

TEST(DLinear, AverageInitIsTimeSeriesLibrarys) {
  const DLinear model({.lookback = 8, .horizon = 3, .channels = 2}, {.average_init = true});
  for (const auto& [name, param] : model.named_parameters()) {
    if (name.ends_with(".weight")) testing::expect_same(param, full({3, 8}, 1.0 / 8), 0, 0);
  }
}

TEST(SeriesDecomp, SplitsAConstantIntoItselfAndZero) {
  SeriesDecomp decomp(25);
  const Tensor x = full({2, 10, 3}, 4.5);
  const SeriesComponents parts = decomp.forward(x);
  testing::expect_same(parts.trend, x, 1e-6, 1e-6);
  testing::expect_same(parts.seasonal, zeros({2, 10, 3}), 0, 1e-6);
}

TEST(SeriesDecomp, TrendAveragesTheWindowWithTheEndsRepeated) {
  SeriesDecomp decomp(3);
  const Tensor x = tensor<float>({{{1}, {2}, {6}, {3}}});
  // Padded 1 1 2 6 3 3: window means 4/3, 3, 11/3, 4.
  testing::expect_values(decomp.forward(x).trend, {4.0 / 3, 3, 11.0 / 3, 4}, 1e-6, 1e-6);
}

TEST(SeriesDecomp, RefusesAnEvenKernel) {
  EXPECT_NE(testing::error_of([] { SeriesDecomp(24); }).find("odd"), std::string::npos);
}

TEST(DLinear, ConfigRoundTripsThroughJson) {
  const DLinear::Config config{.individual = true, .moving_avg = 7, .average_init = true};
  const nlohmann::json json = config;
  EXPECT_EQ(nlohmann::json(json.get<DLinear::Config>()), json);
  const DLinear model({.lookback = 10, .horizon = 2, .channels = 1}, config);
  EXPECT_EQ(model.config_json(), json);
  EXPECT_EQ(forecaster_defaults("dlinear"), nlohmann::json(DLinear::Config{}));
}

TEST(DLinear, RefusesBadConfigs) {
  const ForecastShape shape{.lookback = 10, .horizon = 2, .channels = 1};
  EXPECT_THROW(DLinear(shape, {.moving_avg = 4}), Error);
  EXPECT_THROW(DLinear(shape, {.moving_avg = 0}), Error);
  EXPECT_THROW(DLinear({.lookback = 0, .horizon = 2, .channels = 1}, {}), Error);
  EXPECT_THROW(make_forecaster("dlinear", shape, {{"kernel_size", 25}}), Error);
  DLinear model(shape, {});
  EXPECT_THROW(model.forward(zeros({2, 9, 1}), Tensor()), Error);
}

TEST(DLinear, PaperRecipeIsLtsfLinearsScripts) {
  const ForecastRecipe etth1 = forecast_recipe("dlinear", "ETTh1", 96);
  EXPECT_EQ(etth1.lookback, 336);
  EXPECT_EQ(etth1.training.learning_rate, 0.005);
  EXPECT_EQ(etth1.training.batch_size, 32);
  EXPECT_EQ(etth1.training.epochs, 10);
  EXPECT_EQ(etth1.training.patience, 3);
  EXPECT_EQ(etth1.training.lradj, "type1");
  EXPECT_TRUE(etth1.training.test_drop_last);
  EXPECT_EQ(etth1.model.at("individual"), false);
  EXPECT_EQ(etth1.model.at("moving_avg"), 25);
  const ForecastRecipe etth2 = forecast_recipe("dlinear", "ETTh2", 720);
  EXPECT_EQ(etth2.lookback, 336);
  EXPECT_EQ(etth2.training.learning_rate, 0.05);
}

}  // namespace
}  // namespace kiln::models
