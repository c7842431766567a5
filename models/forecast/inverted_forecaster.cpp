#include "models/forecast/inverted_forecaster.h"

#include <array>
#include <utility>

#include "autograd/functions.h"
#include "nn/module_scope.h"
#include "tensor/error.h"

namespace kiln::models {

void validate(const InvertedLayerOptions& options, const std::string& model) {
  KILN_CHECK(options.d_model > 0, model, ": d_model must be positive, got ", options.d_model);
  KILN_CHECK(options.d_ff > 0, model, ": d_ff must be positive, got ", options.d_ff);
  KILN_CHECK(options.dropout >= 0 && options.dropout < 1, model,
             ": dropout must be in [0, 1), got ", options.dropout);
  KILN_CHECK(options.activation == "gelu" || options.activation == "relu", model,
             ": activation must be \"gelu\" or \"relu\", got \"", options.activation, "\"");
}

DataEmbeddingInverted::DataEmbeddingInverted(int64_t lookback, int64_t d_model, double dropout)
    : Module("DataEmbedding_inverted") {
  value_embedding =
      register_module("value_embedding", std::make_shared<nn::Linear>(lookback, d_model));
  this->dropout = register_module("dropout", std::make_shared<nn::Dropout>(dropout));
}

Tensor DataEmbeddingInverted::forward(const Tensor& x, const Tensor& x_mark) {
  const nn::ModuleScope scope(*this);
  Tensor series = x.permute({0, 2, 1});  // [B, C, L]: one row per token
  if (x_mark.defined()) series = cat({series, x_mark.permute({0, 2, 1})}, 1);
  return (*dropout)((*value_embedding)(series));
}

void InvertedEncoderLayer::register_feed_forward(const InvertedLayerOptions& options) {
  conv1 = register_module("conv1", std::make_shared<nn::Conv1d>(options.d_model, options.d_ff, 1));
  conv2 = register_module("conv2", std::make_shared<nn::Conv1d>(options.d_ff, options.d_model, 1));
  norm1 = register_module("norm1", std::make_shared<nn::LayerNorm>(Shape{options.d_model}));
  norm2 = register_module("norm2", std::make_shared<nn::LayerNorm>(Shape{options.d_model}));
  dropout = register_module("dropout", std::make_shared<nn::Dropout>(options.dropout));
  relu_ = options.activation == "relu";
}

Tensor InvertedEncoderLayer::norm_and_feed_forward(const Tensor& residual_sum) {
  const Tensor x = (*norm1)(residual_sum);
  // The convolutions take channels first: [B, d_model, N].
  const Tensor hidden = (*conv1)(x.transpose(-1, 1));
  Tensor y = (*dropout)(relu_ ? hidden.relu() : hidden.gelu());
  y = (*dropout)((*conv2)(y).transpose(-1, 1));
  return (*norm2)(x + y);
}

InvertedEncoder::InvertedEncoder(std::vector<std::shared_ptr<InvertedEncoderLayer>> layers,
                                 int64_t d_model)
    : UnaryModule("Encoder"), layers_(std::move(layers)) {
  attn_layers = register_module("attn_layers", std::make_shared<nn::ModuleList>());
  for (const auto& layer : layers_) attn_layers->push_back(layer);
  norm = register_module("norm", std::make_shared<nn::LayerNorm>(Shape{d_model}));
}

Tensor InvertedEncoder::forward(const Tensor& x) {
  Tensor out = x;
  for (const auto& layer : layers_) out = (*layer)(out);
  return (*norm)(out);
}

InvertedForecaster::InvertedForecaster(const std::string& type_name, const ForecastShape& shape,
                                       const InvertedLayerOptions& options, bool use_norm,
                                       std::vector<std::shared_ptr<InvertedEncoderLayer>> layers)
    : Forecaster(type_name), shape_(shape), use_norm_(use_norm) {
  KILN_CHECK(shape.lookback > 0 && shape.horizon > 0, type_name,
             ": lookback and horizon must be positive, got ", shape.lookback, " and ",
             shape.horizon);
  enc_embedding = register_module(
      "enc_embedding",
      std::make_shared<DataEmbeddingInverted>(shape.lookback, options.d_model, options.dropout));
  encoder = register_module("encoder",
                            std::make_shared<InvertedEncoder>(std::move(layers), options.d_model));
  projector =
      register_module("projector", std::make_shared<nn::Linear>(options.d_model, shape.horizon));
}

void InvertedForecaster::check_inputs(const Tensor& x, const Tensor& x_mark) const {
  KILN_CHECK(x.dim() == 3 && x.size(1) == shape_.lookback, type_name(), ": x must be [B, ",
             shape_.lookback, ", C], got ", x.shape());
  KILN_CHECK(!x_mark.defined() || (x_mark.dim() == 3 && x_mark.size(0) == x.size(0) &&
                                   x_mark.size(1) == shape_.lookback),
             type_name(), ": x_mark must be [", x.size(0), ", ", shape_.lookback, ", F], got ",
             x_mark.shape());
}

Tensor InvertedForecaster::forward(const Tensor& x, const Tensor& x_mark) {
  const nn::ModuleScope scope(*this);
  check_inputs(x, x_mark);
  Tensor series = x, means, stdev;
  if (use_norm_) {
    means = x.mean({1}, true).detach();
    const Tensor centred = x - means;
    stdev = (centred.var({1}, false, true) + 1e-5).sqrt();
    series = centred / stdev;
  }
  const Tensor tokens = (*encoder)(enc_embedding->forward(series, x_mark));
  // [B, N, H] -> [B, H, N], the calendar features' tokens dropped.
  Tensor forecast = (*projector)(tokens).permute({0, 2, 1}).narrow(2, 0, x.size(2));
  if (use_norm_) forecast = forecast * stdev + means;
  return forecast;
}

std::string InvertedForecaster::extra_repr() const {
  return config_json().dump();
}

size_t script_horizon_index(int64_t horizon) {
  constexpr std::array<int64_t, 4> kScriptHorizons = {96, 192, 336, 720};
  size_t index = 0;
  while (index + 1 < kScriptHorizons.size() && kScriptHorizons[index] < horizon) ++index;
  return index;
}

}  // namespace kiln::models
