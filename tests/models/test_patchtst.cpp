// PatchTST against its PyTorch twin (bench/pytorch/patchtst_twin.py, checked against
// yuqinie98/PatchTST's PatchTST_supervised code): the same weights and batch-norm statistics
// by the reference's names give the same forecast, loss, parameter gradients and updated
// statistics in training mode, and the same forecast in eval mode, for the ETTh scripts'
// architecture and for every other path (decomposition, subtract_last, no end padding,
// pre-norm, plain attention, ReLU, a head per channel); the paper's shape has its 42
// patches; configs round-trip and bad ones are refused; the recipe is the paper's scripts'.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "forecaster_golden.h"
#include "models/forecast/forecasters.h"
#include "models/forecast/patchtst.h"
#include "optim/adam.h"
#include "tensor/creation.h"
#include "tensor/testing.h"

namespace kiln::models {
namespace {

using testing::Golden;

// float32 through RevIN, two attention layers with batch norm and the head: forecast and loss
// to 1e-5 relative; gradients (sums over the batch, channels and patches) to 1e-5 relative
// plus 1e-6 of the largest element, for elements far below it: some are zero in exact
// arithmetic and rounding noise (1e-8 to 1e-7) in float32, W_K's bias (softmax ignores a
// shift shared by a row's scores) and the biases whose shift a batch norm removes (W_V,
// to_out.0, ff.3).
constexpr testing::ForecastTolerances kTolerances = {.rtol = 1e-5,
                                                     .atol = 1e-6,
                                                     .grad_rtol = 1e-5,
                                                     .grad_atol_of_largest = 1e-6,
                                                     .grad_atol_floor = 1e-6};
// The running statistics after one pass: running_var from a float32 variance, to 1e-5.
constexpr double kBufferRtol = 1e-5, kBufferAtol = 1e-6;

class PatchTSTGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(PatchTSTGolden, MatchesPyTorchInTrainingThenEvalMode) {
  const testing::ForecasterFixture fixture = testing::forecaster_fixture(GetParam());
  PatchTST model(fixture.shape, fixture.config.get<PatchTST::Config>());
  const Golden golden(GetParam(), "models");
  const nn::StateDict state = golden.with_prefix("param.");
  EXPECT_EQ(testing::keys_of(model.state_dict()), testing::keys_of(state));
  model.load_state_dict(state);
  model.train();
  testing::expect_training_pass_matches(model, golden, kTolerances, {.x_mark = "", .target = "y"});
  // The batch norms' statistics (the attention's fixed scale is a parameter in PyTorch).
  const nn::StateDict after_pass = model.state_dict();
  for (const auto& [name, expected] : golden.with_prefix("buffer."))
    golden.expect_close(after_pass.at(name), "buffer." + name, kBufferRtol, kBufferAtol);
  model.eval();
  golden.expect_close(model.forward(golden["x"], Tensor()), "eval_output", kTolerances.rtol,
                      kTolerances.atol);
}

INSTANTIATE_TEST_SUITE_P(ScriptsAndVariants, PatchTSTGolden,
                         ::testing::Values("patchtst", "patchtst_variants"));

TEST(PatchTST, PaperShapeHas42PatchesAndTheReferencesNames) {
  const std::shared_ptr<Forecaster> model =
      make_forecaster("patchtst", {.lookback = 336, .horizon = 96, .channels = 7});
  const nn::StateDict state = model->state_dict();
  // (336 - 16) / 8 + 1 = 41 patches, one more from the end padding: PatchTST/42.
  EXPECT_EQ(state.at("model.backbone.W_pos").shape(), (Shape{42, 16}));
  EXPECT_EQ(state.at("model.backbone.W_P.weight").shape(), (Shape{16, 16}));
  EXPECT_EQ(state.at("model.head.linear.weight").shape(), (Shape{96, 16 * 42}));
  EXPECT_EQ(state.at("model.backbone.encoder.layers.2.ff.0.weight").shape(), (Shape{128, 16}));
  EXPECT_TRUE(state.contains("model.backbone.encoder.layers.0.norm_attn.1.running_var"));
  EXPECT_TRUE(state.contains("model.backbone.encoder.layers.0.self_attn.sdp_attn.scale"));
  EXPECT_EQ(state.at("model.backbone.encoder.layers.0.self_attn.sdp_attn.scale").item<float>(),
            0.5f);                                                  // 1 / sqrt(16 / 4)
  EXPECT_FALSE(state.contains("model.revin_layer.affine_weight"));  // affine 0 in the scripts
  EXPECT_LE(state.at("model.backbone.W_pos").abs().amax().item<float>(), 0.02f);
  EXPECT_EQ(model->forward(randn({2, 336, 7}), Tensor()).shape(), (Shape{2, 96, 7}));
}

TEST(PatchTST, OptimizersSeeOnlyTrainableParameters) {
  PatchTST model({.lookback = 24, .horizon = 4, .channels = 2},
                 {.e_layers = 1, .patch_len = 8, .stride = 4});
  for (const auto& [name, param] : model.named_parameters())
    EXPECT_TRUE(param.requires_grad()) << name;
  EXPECT_NO_THROW(optim::Adam(model.parameters(), {.lr = 1e-4}));
}

TEST(PatchTST, ConfigRoundTripsThroughJson) {
  const PatchTST::Config config{.e_layers = 1,
                                .d_model = 8,
                                .patch_len = 4,
                                .stride = 2,
                                .padding_patch = "none",
                                .affine = true,
                                .decomposition = true,
                                .kernel_size = 5,
                                .act = "relu",
                                .res_attention = false};
  const nlohmann::json json = config;
  EXPECT_EQ(nlohmann::json(json.get<PatchTST::Config>()), json);
  const PatchTST model({.lookback = 12, .horizon = 3, .channels = 2}, config);
  EXPECT_EQ(model.config_json(), json);
  EXPECT_EQ(forecaster_defaults("patchtst"), nlohmann::json(PatchTST::Config{}));
}

TEST(PatchTST, RefusesBadConfigs) {
  const ForecastShape shape{.lookback = 32, .horizon = 8, .channels = 3};
  auto error = [&](const PatchTST::Config& config) {
    return testing::error_of([&] { PatchTST(shape, config); });
  };
  EXPECT_NE(error({.n_heads = 3, .d_model = 16}).find("divisible"), std::string::npos);
  EXPECT_NE(error({.patch_len = 0}).find("patch_len"), std::string::npos);
  EXPECT_NE(error({.dropout = 1.0}).find("dropout"), std::string::npos);
  EXPECT_NE(error({.padding_patch = "start"}).find("padding_patch"), std::string::npos);
  EXPECT_NE(error({.act = "swish"}).find("act"), std::string::npos);
  EXPECT_NE(error({.decomposition = true, .kernel_size = 24}).find("odd"), std::string::npos);
  const std::string short_lookback =
      testing::error_of([] { PatchTST({.lookback = 12, .horizon = 8, .channels = 3}, {}); });
  EXPECT_NE(short_lookback.find("shorter than one patch"), std::string::npos) << short_lookback;
  EXPECT_THROW(make_forecaster("patchtst", shape, {{"fc_dropout", 0.3}}), Error);
  PatchTST model(shape, {.patch_len = 8, .stride = 4});
  EXPECT_THROW(model.forward(zeros({2, 32, 4}), Tensor()), Error);
}

TEST(PatchTST, PaperRecipeIsThePatchTSTScripts) {
  for (const std::string dataset : {"ETTh1", "ETTh2"}) {
    for (const int64_t horizon : {96, 720}) {
      SCOPED_TRACE(dataset + " at " + std::to_string(horizon));
      const ForecastRecipe recipe = forecast_recipe("patchtst", dataset, horizon);
      EXPECT_EQ(recipe.lookback, 336);
      EXPECT_EQ(recipe.training.learning_rate, 1e-4);
      EXPECT_EQ(recipe.training.batch_size, 128);
      EXPECT_EQ(recipe.training.epochs, 100);
      EXPECT_EQ(recipe.training.patience, 100);
      EXPECT_EQ(recipe.training.lradj, "type3");
      EXPECT_TRUE(recipe.training.test_drop_last);
      EXPECT_EQ(recipe.model.at("e_layers"), 3);
      EXPECT_EQ(recipe.model.at("n_heads"), 4);
      EXPECT_EQ(recipe.model.at("d_model"), 16);
      EXPECT_EQ(recipe.model.at("d_ff"), 128);
      EXPECT_EQ(recipe.model.at("dropout"), 0.3);
      EXPECT_EQ(recipe.model.at("patch_len"), 16);
      EXPECT_EQ(recipe.model.at("stride"), 8);
    }
  }
}

}  // namespace
}  // namespace kiln::models
