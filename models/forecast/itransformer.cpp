#include "models/forecast/itransformer.h"

#include <vector>

#include "autograd/functions.h"
#include "nn/module_scope.h"
#include "tensor/error.h"

namespace kiln::models {
namespace {

void check_config(const ITransformer::Config& config) {
  validate(inverted_layer_options(config), "iTransformer");
  KILN_CHECK(config.n_heads > 0 && config.n_heads <= config.d_model,
             "iTransformer: n_heads must be in [1, d_model = ", config.d_model, "], got ",
             config.n_heads);
  KILN_CHECK(config.e_layers > 0, "iTransformer: e_layers must be positive, got ", config.e_layers);
}

// The config checked first, as the constructor builds everything from these layers on.
std::vector<std::shared_ptr<InvertedEncoderLayer>> encoder_layers(
    const ITransformer::Config& config) {
  check_config(config);
  std::vector<std::shared_ptr<InvertedEncoderLayer>> layers;
  for (int64_t i = 0; i < config.e_layers; ++i)
    layers.push_back(
        std::make_shared<ITransformerEncoderLayer>(inverted_layer_options(config), config.n_heads));
  return layers;
}

}  // namespace

FullAttention::FullAttention(double attention_dropout)
    : Module("FullAttention"), attention_dropout_(attention_dropout) {}

Tensor FullAttention::forward(const Tensor& queries, const Tensor& keys, const Tensor& values) {
  const nn::ModuleScope scope(*this);
  // The fused op's default scale is the reference's, 1 / sqrt(E).
  return scaled_dot_product_attention(queries, keys, values, {},
                                      is_training() ? attention_dropout_ : 0);
}

AttentionLayer::AttentionLayer(int64_t d_model, int64_t n_heads, double attention_dropout)
    : UnaryModule("AttentionLayer"), n_heads_(n_heads) {
  const int64_t width = d_model / n_heads * n_heads;  // d_keys * n_heads
  inner_attention =
      register_module("inner_attention", std::make_shared<FullAttention>(attention_dropout));
  query_projection =
      register_module("query_projection", std::make_shared<nn::Linear>(d_model, width));
  key_projection = register_module("key_projection", std::make_shared<nn::Linear>(d_model, width));
  value_projection =
      register_module("value_projection", std::make_shared<nn::Linear>(d_model, width));
  out_projection = register_module("out_projection", std::make_shared<nn::Linear>(width, d_model));
}

Tensor AttentionLayer::forward(const Tensor& x) {
  const int64_t batch = x.size(0), tokens = x.size(1);
  const int64_t width = query_projection->weight.size(0);
  // [B, N, width] -> [B, heads, N, width / heads]
  auto heads = [&](nn::Linear& projection) {
    return projection(x).view({batch, tokens, n_heads_, width / n_heads_}).transpose(1, 2);
  };
  const Tensor attended = inner_attention->forward(heads(*query_projection), heads(*key_projection),
                                                   heads(*value_projection));
  return (*out_projection)(attended.transpose(1, 2).reshape({batch, tokens, width}));
}

ITransformerEncoderLayer::ITransformerEncoderLayer(const InvertedLayerOptions& options,
                                                   int64_t n_heads)
    : InvertedEncoderLayer("EncoderLayer") {
  attention = register_module(
      "attention", std::make_shared<AttentionLayer>(options.d_model, n_heads, options.dropout));
  register_feed_forward(options);
}

Tensor ITransformerEncoderLayer::forward(const Tensor& x) {
  return norm_and_feed_forward(x + (*dropout)((*attention)(x)));
}

ITransformer::ITransformer(const ForecastShape& shape, const Config& config)
    : InvertedForecaster("iTransformer", shape, inverted_layer_options(config), config.use_norm,
                         encoder_layers(config)),
      config_(config) {}

nlohmann::json ITransformer::config_json() const {
  return config_;
}

ForecastRecipe ITransformer::paper_recipe(const std::string& dataset, int64_t horizon) {
  // d_model = d_ff per horizon 96, 192, 336, 720; e_layers 2 throughout.
  constexpr int64_t kETTh1Width[] = {256, 256, 512, 512};
  constexpr int64_t kETTh2Width[] = {128, 128, 128, 128};
  const size_t column = script_horizon_index(horizon);
  const int64_t width = dataset == "ETTh2" ? kETTh2Width[column] : kETTh1Width[column];
  // run.py's defaults: Adam at 1e-4, batch 32, 10 epochs, patience 3, halving (type1). The
  // test loader (data_factory.py) has drop_last=True but batch 1, so no window is dropped.
  return {.lookback = 96,
          .model = {{"d_model", width}, {"d_ff", width}, {"e_layers", 2}},
          .training = {.learning_rate = 1e-4,
                       .batch_size = 32,
                       .epochs = 10,
                       .patience = 3,
                       .lradj = "type1",
                       .test_drop_last = false}};
}

}  // namespace kiln::models
