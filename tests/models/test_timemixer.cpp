// TimeMixer against its PyTorch twin (bench/pytorch/timemixer_twin.py, which gives
// kwuking/TimeMixer's own model bit for bit): the same weights by the reference's names give
// the same forecast with and without calendar features, loss and parameter gradients; the
// config round-trips through JSON, bad ones and bad inputs are refused, the table builds it,
// and its recipe is the paper's scripts'.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "autograd/grad_mode.h"
#include "forecaster_golden.h"
#include "models/forecast/forecasters.h"
#include "models/forecast/timemixer.h"
#include "tensor/creation.h"
#include "tensor/testing.h"

namespace kiln::models {
namespace {

using testing::expect_error_contains;
using testing::Golden;

// float32 through three scales and two mixing blocks: the forecast and the loss to 1e-5
// relative, elements near zero within 1e-5 (the forecasts are of order 1 to 10, and both sides
// differ by about 1e-6 there); gradients to 1e-5 relative, elements near zero within 1e-5 of
// the gradient's largest (sums over 12 series and up to 32 steps leave about 1e-7 of it).
constexpr testing::ForecastTolerances kTolerances{
    .rtol = 1e-5, .atol = 1e-5, .grad_rtol = 1e-5, .grad_atol_of_largest = 1e-5};
// The position table: float32 sin and cos of the same angles, computed in float64 here.
constexpr double kTableAtol = 1e-6;
const std::string kPositionTable = "enc_embedding.position_embedding.pe";

ForecastShape fixture_shape() {
  return testing::forecaster_twin("timemixer").at("shape").get<ForecastShape>();
}
TimeMixer::Config fixture_config() {
  return testing::forecaster_twin("timemixer").at("config").get<TimeMixer::Config>();
}

TEST(TimeMixer, MatchesPyTorch) {
  TimeMixer model(fixture_shape(), fixture_config());
  const Golden golden("timemixer", "models");
  const nn::LoadResult loaded = model.load_state_dict(golden.with_prefix("param."), false);
  EXPECT_EQ(loaded.missing_keys, std::vector<std::string>{kPositionTable});
  EXPECT_TRUE(loaded.unexpected_keys.empty());
  testing::expect_training_pass_matches(model, golden, kTolerances);
  NoGradGuard no_grad;
  golden.expect_close(model.forward(golden["x"], Tensor{}), "output_no_marks", kTolerances.rtol,
                      kTolerances.atol);
  const Tensor pe_head = golden["pe_head"];
  golden.expect_close(
      model.enc_embedding->position_embedding->pe.select(0, 0).narrow(0, 0, pe_head.size(0)),
      "pe_head", 0, kTableAtol);
}

TEST(TimeMixer, ParameterNamesAreTheReferences) {
  const TimeMixer model(fixture_shape(), fixture_config());
  EXPECT_EQ(
      testing::parameter_names(model),
      testing::forecaster_twin("timemixer").at("named_parameters").get<std::vector<std::string>>());
  const auto state = model.state_dict();
  EXPECT_TRUE(
      state.contains("pdm_blocks.0.mixing_multi_scale_season.down_sampling_layers.0.0.weight"));
  EXPECT_TRUE(state.contains("pdm_blocks.1.mixing_multi_scale_trend.up_sampling_layers.1.2.bias"));
  EXPECT_TRUE(state.contains("enc_embedding.value_embedding.tokenConv.weight"));
  EXPECT_TRUE(state.contains("enc_embedding.temporal_embedding.embed.weight"));
  EXPECT_TRUE(state.contains("normalize_layers.2.affine_weight"));
  EXPECT_EQ(state.at(kPositionTable).shape(), (Shape{1, 5000, fixture_config().d_model}));
}

TEST(TimeMixer, ScalesHaveTheReferencesSizes) {
  // L = 96, three halvings: predict_layers over 96, 48, 24 and 12 steps; the coarsest season
  // mixing maps 24 steps to 12, the first trend mixing 12 to 24.
  const TimeMixer model({.lookback = 96, .horizon = 720, .channels = 7, .mark_features = 4}, {});
  const auto state = model.state_dict();
  EXPECT_EQ(state.at("predict_layers.3.weight").shape(), (Shape{720, 12}));
  EXPECT_EQ(
      state.at("pdm_blocks.0.mixing_multi_scale_season.down_sampling_layers.2.0.weight").shape(),
      (Shape{12, 24}));
  EXPECT_EQ(state.at("pdm_blocks.0.mixing_multi_scale_trend.up_sampling_layers.0.0.weight").shape(),
            (Shape{24, 12}));
  EXPECT_EQ(state.at("projection_layer.weight").shape(), (Shape{1, 16}));
  EXPECT_EQ(state.at("enc_embedding.value_embedding.tokenConv.weight").shape(), (Shape{16, 1, 3}));
}

TEST(TimeMixer, MaxPoolingAndNoCalendarFeaturesForecastEveryChannel) {
  TimeMixer::Config config = fixture_config();
  config.down_sampling_method = "max";
  // A look-back that does not halve evenly is fine without calendar features.
  TimeMixer model({.lookback = 30, .horizon = 5, .channels = 2, .mark_features = 0}, config);
  EXPECT_EQ(model.enc_embedding->temporal_embedding, nullptr);
  const Tensor forecast = model.forward(randn({3, 30, 2}), randn({3, 30, 4}));
  EXPECT_EQ(forecast.shape(), (Shape{3, 5, 2}));
}

TEST(TimeMixer, ConfigRoundTripsThroughJson) {
  const TimeMixer::Config config{.d_model = 8,
                                 .d_ff = 24,
                                 .e_layers = 3,
                                 .dropout = 0.25,
                                 .moving_avg = 7,
                                 .down_sampling_layers = 2,
                                 .down_sampling_window = 3,
                                 .down_sampling_method = "max",
                                 .use_norm = false};
  const TimeMixer model({.lookback = 36, .horizon = 4, .channels = 2, .mark_features = 4}, config);
  const nlohmann::json json = model.config_json();
  const auto back = json.get<TimeMixer::Config>();
  EXPECT_EQ(nlohmann::json(back), json);
  EXPECT_EQ(json.at("down_sampling_window"), 3);
  EXPECT_EQ(json.at("use_norm"), false);
}

TEST(TimeMixer, RefusesBadConfigs) {
  const ForecastShape shape{.lookback = 96, .horizon = 96, .channels = 7, .mark_features = 4};
  auto with = [&](auto change) {
    return [shape, change] {
      TimeMixer::Config config;
      change(config);
      TimeMixer model(shape, config);
    };
  };
  expect_error_contains(with([](auto& c) { c.moving_avg = 24; }), "moving_avg must be odd");
  expect_error_contains(with([](auto& c) { c.down_sampling_layers = 0; }), "down_sampling_layers");
  expect_error_contains(with([](auto& c) { c.down_sampling_method = "conv"; }),
                        "down_sampling_method");
  expect_error_contains(with([](auto& c) { c.dropout = 1; }), "dropout");
  expect_error_contains(with([](auto& c) { c.d_model = 0; }), "d_model");
  expect_error_contains(
      [] { TimeMixer({.lookback = 8, .mark_features = 0}, {.down_sampling_layers = 4}); },
      "too short");
  // 100 steps halve to 50 and 25, then the marks' every-other-step (13) and the pooling (12)
  // disagree.
  expect_error_contains([] { TimeMixer({.lookback = 100, .mark_features = 4}, {}); },
                        "multiple of down_sampling_window");
  expect_error_contains(
      [] {
        make_forecaster("timemixer", {}, {{"channel_independence", 0}});
      },
      "no hyperparameter 'channel_independence'");
}

TEST(TimeMixer, RefusesBadInputs) {
  TimeMixer model({.lookback = 32, .horizon = 8, .channels = 3, .mark_features = 4},
                  fixture_config());
  expect_error_contains(
      [&] {
        model.forward(randn({2, 31, 3}), Tensor{});
      },
      "x must be [B, 32, 3]");
  expect_error_contains(
      [&] {
        model.forward(randn({2, 32, 4}), Tensor{});
      },
      "x must be [B, 32, 3]");
  expect_error_contains(
      [&] {
        model.forward(randn({2, 32, 3}), randn({2, 32, 5}));
      },
      "x_mark must be [2, 32, 4]");
}

TEST(TimeMixer, TheTableBuildsIt) {
  const ForecastShape shape{.lookback = 96, .horizon = 192, .channels = 7, .mark_features = 4};
  const auto model = make_forecaster("timemixer", shape, {{"d_model", 8}});
  ASSERT_NE(dynamic_cast<TimeMixer*>(model.get()), nullptr);
  EXPECT_EQ(model->config_json().at("d_model"), 8);
  EXPECT_EQ(model->config_json().at("down_sampling_layers"), 3);
  EXPECT_EQ(forecaster_defaults("timemixer"), nlohmann::json(TimeMixer::Config{}));
  NoGradGuard no_grad;
  EXPECT_EQ(model->forward(randn({2, 96, 7}), randn({2, 96, 4})).shape(), (Shape{2, 192, 7}));
}

TEST(TimeMixer, RecipeIsThePapersScripts) {
  const ForecastRecipe etth1 = forecast_recipe("timemixer", "ETTh1", 96);
  EXPECT_EQ(etth1.lookback, 96);
  EXPECT_EQ(etth1.training.learning_rate, 0.01);
  EXPECT_EQ(etth1.training.batch_size, 128);
  EXPECT_EQ(etth1.training.epochs, 10);
  EXPECT_EQ(etth1.training.patience, 10);
  EXPECT_EQ(etth1.training.lradj, "TST");
  EXPECT_EQ(etth1.training.pct_start, 0.2);
  EXPECT_TRUE(etth1.training.test_drop_last);
  const ForecastRecipe etth2 = forecast_recipe("timemixer", "ETTh2", 720);
  EXPECT_EQ(etth2.training.batch_size, 16);
  EXPECT_EQ(etth2.training.learning_rate, 0.01);
  EXPECT_EQ(etth2.training.patience, 10);
  EXPECT_TRUE(etth2.model.empty());
}

}  // namespace
}  // namespace kiln::models
