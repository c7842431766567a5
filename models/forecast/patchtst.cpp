#include "models/forecast/patchtst.h"

#include <tuple>
#include <vector>

#include "autograd/functions.h"
#include "nn/activation.h"
#include "nn/module_scope.h"
#include "nn/padding.h"
#include "tensor/error.h"

namespace kiln::models {
namespace {

void validate(const ForecastShape& shape, const PatchTST::Config& config) {
  KILN_CHECK(shape.lookback > 0 && shape.horizon > 0 && shape.channels > 0,
             "PatchTST: lookback, horizon and channels must be positive, got ", shape.lookback,
             ", ", shape.horizon, " and ", shape.channels);
  auto positive = [](const char* field, int64_t value) {
    KILN_CHECK(value > 0, "PatchTST: ", field, " must be positive, got ", value);
  };
  positive("e_layers", config.e_layers);
  positive("n_heads", config.n_heads);
  positive("d_model", config.d_model);
  positive("d_ff", config.d_ff);
  positive("patch_len", config.patch_len);
  positive("stride", config.stride);
  KILN_CHECK(config.d_model % config.n_heads == 0, "PatchTST: d_model (", config.d_model,
             ") must be divisible by n_heads (", config.n_heads, ")");
  auto probability = [](const char* field, double value) {
    KILN_CHECK(value >= 0 && value < 1, "PatchTST: ", field, " must be in [0, 1), got ", value);
  };
  probability("dropout", config.dropout);
  probability("attn_dropout", config.attn_dropout);
  probability("head_dropout", config.head_dropout);
  KILN_CHECK(config.padding_patch == "end" || config.padding_patch == "none",
             "PatchTST: padding_patch must be \"end\" or \"none\", got \"", config.padding_patch,
             "\"");
  KILN_CHECK(config.act == "gelu" || config.act == "relu",
             "PatchTST: act must be \"gelu\" or \"relu\", got \"", config.act, "\"");
  KILN_CHECK(shape.lookback >= config.patch_len, "PatchTST: the look-back of ", shape.lookback,
             " steps is shorter than one patch (patch_len ", config.patch_len, ")");
}

PatchTSTBackboneOptions backbone_options(const ForecastShape& shape,
                                         const PatchTST::Config& config) {
  return {.c_in = shape.channels,
          .context_window = shape.lookback,
          .target_window = shape.horizon,
          .patch_len = config.patch_len,
          .stride = config.stride,
          .padding_end = config.padding_patch == "end",
          .revin = config.revin,
          .affine = config.affine,
          .subtract_last = config.subtract_last,
          .individual = config.individual,
          .head_dropout = config.head_dropout,
          .encoder = {.n_layers = config.e_layers,
                      .d_model = config.d_model,
                      .n_heads = config.n_heads,
                      .d_ff = config.d_ff,
                      .dropout = config.dropout,
                      .attn_dropout = config.attn_dropout,
                      .act = config.act,
                      .res_attention = config.res_attention,
                      .pre_norm = config.pre_norm}};
}

}  // namespace

FlattenHead::FlattenHead(bool individual, int64_t n_vars, int64_t nf, int64_t target_window,
                         double head_dropout)
    : Module("Flatten_Head") {
  if (!individual) {
    flatten = register_module("flatten", std::make_shared<nn::Flatten>(-2));
    linear = register_module("linear", std::make_shared<nn::Linear>(nf, target_window));
    dropout = register_module("dropout", std::make_shared<nn::Dropout>(head_dropout));
    return;
  }
  linears = register_module("linears", std::make_shared<nn::ModuleList>());
  dropouts = register_module("dropouts", std::make_shared<nn::ModuleList>());
  flattens = register_module("flattens", std::make_shared<nn::ModuleList>());
  for (int64_t i = 0; i < n_vars; ++i) {
    flattens->push_back(std::make_shared<nn::Flatten>(-2));
    linears->push_back(std::make_shared<nn::Linear>(nf, target_window));
    dropouts->push_back(std::make_shared<nn::Dropout>(head_dropout));
  }
}

Tensor FlattenHead::forward(const Tensor& x) {
  const nn::ModuleScope scope(*this);
  if (linear != nullptr) return (*dropout)((*linear)((*flatten)(x)));
  std::vector<Tensor> per_channel;
  for (size_t i = 0; i < linears->size(); ++i) {
    const Tensor z = flattens->at<nn::Flatten>(i)->forward(x.select(1, static_cast<int64_t>(i)));
    per_channel.push_back(
        dropouts->at<nn::Dropout>(i)->forward(linears->at<nn::Linear>(i)->forward(z)));
  }
  return stack(per_channel, 1);
}

PatchTSTBackbone::PatchTSTBackbone(const PatchTSTBackboneOptions& options)
    : Module("PatchTST_backbone"),
      patch_len_(options.patch_len),
      stride_(options.stride),
      padding_end_(options.padding_end) {
  if (options.revin)
    revin_layer = register_module(
        "revin_layer", std::make_shared<RevIN>(
                           options.c_in, RevINOptions{.affine = options.affine,
                                                      .subtract_last = options.subtract_last}));
  // End padding repeats the last step `stride` times: one patch more.
  const int64_t patch_num =
      (options.context_window - options.patch_len) / options.stride + 1 + (padding_end_ ? 1 : 0);
  backbone = register_module(
      "backbone", std::make_shared<TSTiEncoder>(patch_num, options.patch_len, options.encoder));
  head = register_module(
      "head", std::make_shared<FlattenHead>(options.individual, options.c_in,
                                            options.encoder.d_model * patch_num,
                                            options.target_window, options.head_dropout));
}

Tensor PatchTSTBackbone::forward(const Tensor& input) {
  const nn::ModuleScope scope(*this);
  Tensor z = input;
  RevINStatistics statistics;
  if (revin_layer != nullptr) {
    std::tie(z, statistics) = revin_layer->normalize(z.permute({0, 2, 1}));
    z = z.permute({0, 2, 1});
  }
  if (padding_end_) z = nn::functional::pad(z, {{0, stride_}}, nn::functional::PadMode::Replicate);
  const Tensor patches = z.unfold(-1, patch_len_, stride_);  // [B, C, patch_num, patch_len]
  z = head->forward(backbone->forward(patches));
  if (revin_layer != nullptr)
    z = revin_layer->denormalize(z.permute({0, 2, 1}), statistics).permute({0, 2, 1});
  return z;
}

PatchTST::PatchTST(const ForecastShape& shape, const Config& config)
    : Forecaster("PatchTST"), shape_(shape), config_(config) {
  validate(shape, config);
  const PatchTSTBackboneOptions options = backbone_options(shape, config);
  if (!config.decomposition) {
    model = register_module("model", std::make_shared<PatchTSTBackbone>(options));
    return;
  }
  decomp_module =
      register_module("decomp_module", std::make_shared<SeriesDecomp>(config.kernel_size));
  model_trend = register_module("model_trend", std::make_shared<PatchTSTBackbone>(options));
  model_res = register_module("model_res", std::make_shared<PatchTSTBackbone>(options));
}

Tensor PatchTST::forward(const Tensor& x, const Tensor&) {
  const nn::ModuleScope scope(*this);
  KILN_CHECK(x.dim() == 3 && x.size(1) == shape_.lookback && x.size(2) == shape_.channels,
             "PatchTST: x must be [B, ", shape_.lookback, ", ", shape_.channels, "], got ",
             x.shape());
  if (model != nullptr) return model->forward(x.permute({0, 2, 1})).permute({0, 2, 1});
  const SeriesComponents parts = decomp_module->forward(x);
  const Tensor res = model_res->forward(parts.seasonal.permute({0, 2, 1}));
  const Tensor trend = model_trend->forward(parts.trend.permute({0, 2, 1}));
  return (res + trend).permute({0, 2, 1});
}

nlohmann::json PatchTST::config_json() const {
  return config_;
}

// yuqinie98/PatchTST, PatchTST_supervised/scripts/PatchTST/etth1.sh and etth2.sh (PatchTST/42:
// look-back 336, e_layers 3, n_heads 4, d_model 16, d_ff 128, dropout 0.3, head_dropout 0,
// patch_len 16, stride 8, 100 epochs, batch 128, lr 1e-4), the same for both datasets and
// every horizon, with run_longExp.py's defaults for the rest: patience 100, lradj type3,
// pct_start 0.3 (used by lradj TST only), revin 1, affine 0, padding_patch end. The scripts'
// fc_dropout 0.3 feeds only the pretraining head, which the supervised model does not build.
// The test loader drops its last incomplete batch (data_provider/data_factory.py).
ForecastRecipe PatchTST::paper_recipe(const std::string&, int64_t) {
  return {.lookback = 336,
          .model = Config{},
          .training = {.learning_rate = 1e-4,
                       .batch_size = 128,
                       .epochs = 100,
                       .patience = 100,
                       .lradj = "type3",
                       .pct_start = 0.3,
                       .test_drop_last = true}};
}

}  // namespace kiln::models
