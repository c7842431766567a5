// iTransformer against its PyTorch twin (bench/pytorch/itransformer_twin.py, after
// thuml/iTransformer's model/iTransformer.py): the same weights by the reference's names give
// the same forecasts, MSE loss and parameter gradients with calendar features as tokens and
// without, and with the normalisation off; configs round-trip and bad ones are refused; the
// table builds it by name; its recipe is the paper scripts'.
#include <gtest/gtest.h>

#include <string>

#include "forecaster_golden.h"
#include "models/forecast/forecasters.h"
#include "models/forecast/itransformer.h"
#include "tensor/creation.h"

namespace kiln::models {
namespace {

using testing::expect_error_contains;

TEST(ITransformer, MatchesPyTorchWithCalendarFeatureTokens) {
  testing::expect_matches_twin("itransformer", "itransformer", /*with_mark=*/true,
                               testing::kInvertedForecasterTolerances);
}

TEST(ITransformer, MatchesPyTorchWithoutCalendarFeatures) {
  testing::expect_matches_twin("itransformer", "itransformer", /*with_mark=*/false,
                               testing::kInvertedForecasterTolerances);
}

TEST(ITransformer, MatchesPyTorchWithoutNormalisation) {
  testing::expect_matches_twin_without_normalisation("itransformer", "itransformer",
                                                     testing::kInvertedForecasterTolerances);
}

TEST(ITransformer, ParameterNamesAreTheReferences) {
  const auto names = testing::expect_twin_names("itransformer", "itransformer");
  EXPECT_TRUE(names.contains("enc_embedding.value_embedding.weight"));
  EXPECT_TRUE(names.contains("encoder.attn_layers.0.attention.query_projection.weight"));
  EXPECT_TRUE(names.contains("encoder.attn_layers.1.conv1.weight"));
  EXPECT_TRUE(names.contains("encoder.norm.weight"));
  EXPECT_TRUE(names.contains("projector.weight"));
}

TEST(ITransformer, ConfigRoundTripsAndBadOnesAreRefused) {
  const ITransformer::Config config{.d_model = 12, .n_heads = 3, .activation = "relu"};
  EXPECT_EQ(nlohmann::json(nlohmann::json(config).get<ITransformer::Config>()),
            nlohmann::json(config));
  const ForecastShape shape{.lookback = 8, .horizon = 4, .channels = 2, .mark_features = 0};
  EXPECT_EQ(ITransformer(shape, config).config_json(), nlohmann::json(config));
  expect_error_contains([&] { ITransformer(shape, {.d_model = 4, .n_heads = 8}); }, "n_heads");
  expect_error_contains([&] { ITransformer(shape, {.e_layers = 0}); }, "e_layers");
  expect_error_contains([&] { ITransformer(shape, {.dropout = 1}); }, "dropout");
  expect_error_contains([&] { ITransformer(shape, {.activation = "tanh"}); }, "activation");
  expect_error_contains(
      [&] {
        make_forecaster("itransformer", shape, {{"n_head", 2}});
      },
      "no hyperparameter 'n_head'");
}

TEST(ITransformer, BuiltByNameForecastsEveryVariate) {
  const ForecastShape shape{.lookback = 8, .horizon = 4, .channels = 2, .mark_features = 3};
  const auto model =
      make_forecaster("itransformer", shape, {{"d_model", 8}, {"n_heads", 2}, {"d_ff", 8}});
  EXPECT_EQ(model->config_json().at("d_model"), 8);
  EXPECT_EQ(model->forward(randn({5, 8, 2}), randn({5, 8, 3})).shape(), (Shape{5, 4, 2}));
  EXPECT_EQ(model->forward(randn({5, 8, 2}), {}).shape(), (Shape{5, 4, 2}));
  expect_error_contains([&] { model->forward(randn({5, 7, 2}), {}); }, "x must be [B, 8, C]");
  expect_error_contains([&] { model->forward(randn({5, 8, 2}), randn({4, 8, 3})); }, "x_mark");
}

TEST(ITransformer, PaperRecipeIsTheScripts) {
  // iTransformer_ETTh1.sh: d_model = d_ff = 256 up to H = 192, 512 beyond.
  const ForecastRecipe etth1_96 = forecast_recipe("itransformer", "ETTh1", 96);
  EXPECT_EQ(etth1_96.lookback, 96);
  EXPECT_EQ(etth1_96.model.at("d_model"), 256);
  EXPECT_EQ(etth1_96.model.at("e_layers"), 2);
  EXPECT_DOUBLE_EQ(etth1_96.training.learning_rate, 1e-4);
  EXPECT_EQ(etth1_96.training.batch_size, 32);
  EXPECT_EQ(etth1_96.training.epochs, 10);
  EXPECT_EQ(etth1_96.training.patience, 3);
  EXPECT_EQ(etth1_96.training.lradj, "type1");
  EXPECT_FALSE(etth1_96.training.test_drop_last);
  EXPECT_EQ(forecast_recipe("itransformer", "ETTh1", 720).model.at("d_ff"), 512);
  // iTransformer_ETTh2.sh: 128 at every horizon.
  EXPECT_EQ(forecast_recipe("itransformer", "ETTh2", 336).model.at("d_model"), 128);
  // The defaults are the ETTh1 script's at H = 96.
  EXPECT_EQ(forecaster_defaults("itransformer").at("d_model"), 256);
  EXPECT_EQ(forecaster_defaults("itransformer").at("d_ff"), 256);
}

}  // namespace
}  // namespace kiln::models
