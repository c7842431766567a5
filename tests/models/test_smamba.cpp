// S-Mamba against its PyTorch twin (bench/pytorch/smamba_twin.py, after
// wzhwzhwzh0921/S-D-Mamba's model/S_Mamba.py): the same weights by the reference's names give
// the same forecasts, MSE loss and parameter gradients with calendar features as tokens and
// without, and with the normalisation off; configs round-trip and bad ones are refused; the
// table builds it by name; its recipe is the paper scripts'.
#include <gtest/gtest.h>

#include <string>

#include "forecaster_golden.h"
#include "models/forecast/forecasters.h"
#include "models/forecast/smamba.h"
#include "tensor/creation.h"

namespace kiln::models {
namespace {

using testing::expect_error_contains;

TEST(SMamba, MatchesPyTorchWithCalendarFeatureTokens) {
  testing::expect_matches_twin("smamba", "smamba", /*with_mark=*/true,
                               testing::kInvertedForecasterTolerances);
}

TEST(SMamba, MatchesPyTorchWithoutCalendarFeatures) {
  testing::expect_matches_twin("smamba", "smamba", /*with_mark=*/false,
                               testing::kInvertedForecasterTolerances);
}

TEST(SMamba, MatchesPyTorchWithoutNormalisation) {
  testing::expect_matches_twin_without_normalisation("smamba", "smamba",
                                                     testing::kInvertedForecasterTolerances);
}

TEST(SMamba, ParameterNamesAreTheReferences) {
  const auto names = testing::expect_twin_names("smamba", "smamba");
  EXPECT_TRUE(names.contains("enc_embedding.value_embedding.weight"));
  EXPECT_TRUE(names.contains("encoder.attn_layers.0.attention.A_log"));
  EXPECT_TRUE(names.contains("encoder.attn_layers.0.attention_r.in_proj.weight"));
  EXPECT_TRUE(names.contains("encoder.attn_layers.1.conv2.bias"));
  EXPECT_TRUE(names.contains("projector.bias"));
}

TEST(SMamba, ConfigRoundTripsAndBadOnesAreRefused) {
  const SMamba::Config config{.d_model = 12, .d_state = 4, .activation = "relu"};
  EXPECT_EQ(nlohmann::json(nlohmann::json(config).get<SMamba::Config>()), nlohmann::json(config));
  const ForecastShape shape{.lookback = 8, .horizon = 4, .channels = 2, .mark_features = 0};
  EXPECT_EQ(SMamba(shape, config).config_json(), nlohmann::json(config));
  expect_error_contains([&] { SMamba(shape, {.d_state = 0}); }, "d_state");
  expect_error_contains([&] { SMamba(shape, {.d_ff = -1}); }, "d_ff");
  expect_error_contains([&] { SMamba(shape, {.activation = "silu"}); }, "activation");
  expect_error_contains([&] { SMamba({.lookback = 0}, {}); }, "lookback");
  expect_error_contains(
      [&] {
        make_forecaster("smamba", shape, {{"n_heads", 2}});
      },
      "no hyperparameter 'n_heads'");
}

TEST(SMamba, BuiltByNameForecastsEveryVariate) {
  const ForecastShape shape{.lookback = 8, .horizon = 4, .channels = 2, .mark_features = 3};
  const auto model = make_forecaster("smamba", shape, {{"d_model", 8}, {"d_ff", 8}});
  EXPECT_EQ(model->config_json().at("d_state"), 2);
  EXPECT_EQ(model->forward(randn({5, 8, 2}), randn({5, 8, 3})).shape(), (Shape{5, 4, 2}));
  EXPECT_EQ(model->forward(randn({5, 8, 2}), {}).shape(), (Shape{5, 4, 2}));
}

TEST(SMamba, PaperRecipeIsTheScripts) {
  // S_Mamba_ETTh1.sh and S_Mamba_ETTh2.sh: d_model = d_ff = 256, d_state 2, e_layers 2, the
  // learning rate per horizon.
  const ForecastRecipe etth1_96 = forecast_recipe("smamba", "ETTh1", 96);
  EXPECT_EQ(etth1_96.lookback, 96);
  EXPECT_EQ(etth1_96.model.at("d_model"), 256);
  EXPECT_EQ(etth1_96.model.at("d_state"), 2);
  EXPECT_DOUBLE_EQ(etth1_96.training.learning_rate, 7e-5);
  EXPECT_EQ(etth1_96.training.batch_size, 32);
  EXPECT_EQ(etth1_96.training.epochs, 10);
  EXPECT_EQ(etth1_96.training.patience, 3);
  EXPECT_EQ(etth1_96.training.lradj, "type1");
  EXPECT_DOUBLE_EQ(forecast_recipe("smamba", "ETTh1", 336).training.learning_rate, 5e-5);
  EXPECT_DOUBLE_EQ(forecast_recipe("smamba", "ETTh2", 336).training.learning_rate, 3e-5);
  EXPECT_DOUBLE_EQ(forecast_recipe("smamba", "ETTh2", 720).training.learning_rate, 7e-5);
  EXPECT_EQ(forecaster_defaults("smamba").at("d_state"), 2);
}

}  // namespace
}  // namespace kiln::models
