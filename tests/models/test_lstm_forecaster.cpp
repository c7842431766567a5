// The LSTM baseline against its PyTorch twin (bench/pytorch/lstm_forecaster_twin.py: RevIN,
// nn.LSTM and nn.Linear): the same weights by name give the same forecast, loss and parameter
// gradients; RevIN can be switched off; the config round-trips through JSON, bad ones are
// refused, the table builds it, and its recipe is ours.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "autograd/grad_mode.h"
#include "forecaster_golden.h"
#include "models/forecast/forecasters.h"
#include "models/forecast/lstm_forecaster.h"
#include "tensor/creation.h"
#include "tensor/testing.h"

namespace kiln::models {
namespace {

using testing::expect_error_contains;
using testing::Golden;

// float32 through two LSTM layers of 12 steps: the forecast and the loss to 1e-5 relative,
// elements near zero within 1e-5; gradients to 1e-5 relative, elements near zero within 1e-5
// of the gradient's largest (sums over the batch and the steps round differently).
constexpr testing::ForecastTolerances kTolerances{
    .rtol = 1e-5, .atol = 1e-5, .grad_rtol = 1e-5, .grad_atol_of_largest = 1e-5};

ForecastShape fixture_shape() {
  return testing::forecaster_twin("lstm_forecaster").at("shape").get<ForecastShape>();
}
LstmForecaster::Config fixture_config() {
  return testing::forecaster_twin("lstm_forecaster").at("config").get<LstmForecaster::Config>();
}

TEST(LstmForecaster, MatchesPyTorch) {
  LstmForecaster model(fixture_shape(), fixture_config());
  const Golden golden("lstm_forecaster", "models");
  model.load_state_dict(golden.with_prefix("param."));
  testing::expect_training_pass_matches(model, golden, kTolerances);
}

TEST(LstmForecaster, ParameterNamesAreTheTwins) {
  const LstmForecaster model(fixture_shape(), fixture_config());
  EXPECT_EQ(testing::parameter_names(model), testing::forecaster_twin("lstm_forecaster")
                                                 .at("named_parameters")
                                                 .get<std::vector<std::string>>());
  const auto state = model.state_dict();
  EXPECT_TRUE(state.contains("lstm.weight_ih_l0"));
  EXPECT_TRUE(state.contains("lstm.bias_hh_l1"));
  EXPECT_TRUE(state.contains("head.weight"));
  EXPECT_TRUE(state.contains("revin_layer.affine_weight"));
}

TEST(LstmForecaster, RevinShiftsTheForecastWithTheWindowAndCanBeOff) {
  LstmForecaster::Config config = fixture_config();
  config.revin = false;
  LstmForecaster plain(fixture_shape(), config);
  EXPECT_EQ(plain.revin_layer, nullptr);
  EXPECT_EQ(plain.state_dict().count("revin_layer.affine_weight"), 0u);
  // With RevIN (identity affine), shifting a window shifts its forecast by the same amount.
  LstmForecaster normalised(fixture_shape(), fixture_config());
  NoGradGuard no_grad;
  const Tensor x = randn({2, fixture_shape().lookback, fixture_shape().channels});
  testing::expect_same(normalised.forward(x + 5.0, Tensor{}), normalised.forward(x, Tensor{}) + 5.0,
                       1e-5, 1e-4);
  EXPECT_EQ(plain.forward(x, Tensor{}).shape(), (Shape{2, 5, 3}));
}

TEST(LstmForecaster, ConfigRoundTripsThroughJson) {
  const LstmForecaster::Config config{
      .hidden_size = 16, .num_layers = 3, .dropout = 0.2, .revin = false};
  const LstmForecaster model(fixture_shape(), config);
  const nlohmann::json json = model.config_json();
  EXPECT_EQ(nlohmann::json(json.get<LstmForecaster::Config>()), json);
  EXPECT_EQ(json.at("num_layers"), 3);
  EXPECT_EQ(json.at("revin"), false);
}

TEST(LstmForecaster, RefusesBadConfigsAndInputs) {
  expect_error_contains([] { LstmForecaster({}, {.hidden_size = 0}); }, "hidden_size");
  expect_error_contains([] { LstmForecaster({}, {.num_layers = 0}); }, "num_layers");
  expect_error_contains([] { LstmForecaster({}, {.dropout = -0.1}); }, "dropout");
  expect_error_contains([] { LstmForecaster({.horizon = 0}, {}); }, "horizon");
  expect_error_contains(
      [] {
        make_forecaster("lstm", {}, {{"hidden", 64}});
      },
      "no hyperparameter 'hidden'");
  LstmForecaster model(fixture_shape(), fixture_config());
  expect_error_contains(
      [&] {
        model.forward(randn({2, 11, 3}), Tensor{});
      },
      "x must be [B, 12, 3]");
}

TEST(LstmForecaster, TheTableBuildsIt) {
  const ForecastShape shape{.lookback = 96, .horizon = 96, .channels = 7, .mark_features = 4};
  const auto model = make_forecaster("lstm", shape, {{"hidden_size", 32}});
  ASSERT_NE(dynamic_cast<LstmForecaster*>(model.get()), nullptr);
  EXPECT_EQ(model->config_json().at("hidden_size"), 32);
  EXPECT_EQ(forecaster_defaults("lstm").at("hidden_size"), 128);
  EXPECT_EQ(forecaster_defaults("lstm").at("num_layers"), 2);
  NoGradGuard no_grad;
  EXPECT_EQ(model->forward(randn({2, 96, 7}), randn({2, 96, 4})).shape(), (Shape{2, 96, 7}));
}

TEST(LstmForecaster, RecipeIsOurs) {
  for (const int64_t horizon : {96, 720}) {
    const ForecastRecipe recipe = forecast_recipe("lstm", "ETTh2", horizon);
    EXPECT_EQ(recipe.lookback, 96);
    EXPECT_EQ(recipe.training.learning_rate, 1e-3);
    EXPECT_EQ(recipe.training.batch_size, 32);
    EXPECT_EQ(recipe.training.epochs, 10);
    EXPECT_EQ(recipe.training.patience, 3);
    EXPECT_EQ(recipe.training.lradj, "type1");
    EXPECT_FALSE(recipe.training.test_drop_last);
  }
}

}  // namespace
}  // namespace kiln::models
