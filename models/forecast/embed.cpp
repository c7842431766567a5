#include "models/forecast/embed.h"

#include "models/layers.h"
#include "nn/init.h"
#include "nn/module_scope.h"

namespace kiln::models {

PositionalEmbedding::PositionalEmbedding(int64_t d_model, int64_t max_len)
    : nn::Module("PositionalEmbedding") {
  pe = register_buffer("pe", sinusoidal_positions(max_len, d_model).unsqueeze(0));
}

TokenEmbedding::TokenEmbedding(int64_t c_in, int64_t d_model) : nn::Module("TokenEmbedding") {
  tokenConv = register_module(
      "tokenConv", std::make_shared<nn::Conv1d>(
                       c_in, d_model, 3,
                       nn::functional::ConvOptions{
                           .padding = {1}, .padding_mode = nn::functional::PadMode::Circular},
                       /*bias=*/false));
  nn::init::kaiming_normal_(tokenConv->weight, 0, nn::init::FanMode::FanIn, "leaky_relu");
}

Tensor TokenEmbedding::forward(const Tensor& x) {
  const nn::ModuleScope scope(*this);
  return (*tokenConv)(x.transpose(1, 2)).transpose(1, 2);
}

TimeFeatureEmbedding::TimeFeatureEmbedding(int64_t d_model, int64_t mark_features)
    : nn::Module("TimeFeatureEmbedding") {
  embed = register_module("embed",
                          std::make_shared<nn::Linear>(mark_features, d_model, /*bias=*/false));
}

Tensor TimeFeatureEmbedding::forward(const Tensor& x_mark) {
  const nn::ModuleScope scope(*this);
  return (*embed)(x_mark);
}

DataEmbeddingWithoutPosition::DataEmbeddingWithoutPosition(int64_t c_in, int64_t d_model,
                                                           int64_t mark_features, double p)
    : nn::Module("DataEmbedding_wo_pos") {
  value_embedding =
      register_module("value_embedding", std::make_shared<TokenEmbedding>(c_in, d_model));
  position_embedding =
      register_module("position_embedding", std::make_shared<PositionalEmbedding>(d_model));
  if (mark_features > 0)
    temporal_embedding = register_module(
        "temporal_embedding", std::make_shared<TimeFeatureEmbedding>(d_model, mark_features));
  dropout = register_module("dropout", std::make_shared<nn::Dropout>(p));
}

Tensor DataEmbeddingWithoutPosition::forward(const Tensor& x, const Tensor& x_mark) {
  const nn::ModuleScope scope(*this);
  Tensor embedded = value_embedding->forward(x);
  if (x_mark.defined() && temporal_embedding)
    embedded = embedded + temporal_embedding->forward(x_mark);
  return (*dropout)(embedded);
}

}  // namespace kiln::models
