#pragma once

// The skeleton that iTransformer (Liu et al. 2024, "iTransformer: Inverted Transformers Are
// Effective for Time Series Forecasting") and S-Mamba (Wang et al. 2024, "Is Mamba Effective
// for Time Series Forecasting?") share, after thuml/iTransformer's model/iTransformer.py and
// layers/: each variate's whole look-back, and each calendar feature's, is one token; an
// encoder mixes the tokens; a linear head maps each variate's token to the horizon. Module
// names are the reference's (enc_embedding, encoder.attn_layers.N, encoder.norm, projector).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/forecast/forecaster.h"
#include "nn/containers.h"
#include "nn/conv.h"
#include "nn/dropout.h"
#include "nn/linear.h"
#include "nn/normalization.h"

namespace kiln::models {

// What every encoder layer of the skeleton is built with: the width of the tokens and of the
// feed-forward block, dropout, and the activation between the two convolutions.
struct InvertedLayerOptions {
  int64_t d_model = 256;
  int64_t d_ff = 256;
  double dropout = 0.1;
  std::string activation = "gelu";  // "gelu" (the exact, erf form) or "relu"
};

// Throws kiln::Error naming the first option out of range; `model` prefixes the message.
void validate(const InvertedLayerOptions& options, const std::string& model);

// The layer options of a model's Config (iTransformer's, S-Mamba's: same field names).
template <class Config>
InvertedLayerOptions inverted_layer_options(const Config& config) {
  return {.d_model = config.d_model,
          .d_ff = config.d_ff,
          .dropout = config.dropout,
          .activation = config.activation};
}

// DataEmbedding_inverted (layers/Embed.py): x [B, L, C] and x_mark [B, L, F] (or undefined)
// -> tokens [B, C (+ F), d_model], one value_embedding Linear(L, d_model) applied to each
// series' look-back, then dropout.
class DataEmbeddingInverted : public nn::Module {
 public:
  DataEmbeddingInverted(int64_t lookback, int64_t d_model, double dropout);
  Tensor forward(const Tensor& x, const Tensor& x_mark);

  std::shared_ptr<nn::Linear> value_embedding;
  std::shared_ptr<nn::Dropout> dropout;
};

// The post-norm layer of layers/Transformer_EncDec.py's EncoderLayer around a token mixer:
// after the mixer's residual sum s, x = norm1(s) and out = norm2(x + FFN(x)), where
// FFN(x) = dropout(conv2(dropout(act(conv1(x))))) with conv1 and conv2 Conv1d of kernel 1
// over the tokens (position-wise linear maps). Each model's layer registers its mixers, then
// the feed-forward block, as the reference's __init__ does.
class InvertedEncoderLayer : public nn::UnaryModule {
 public:
  std::shared_ptr<nn::Conv1d> conv1, conv2;
  std::shared_ptr<nn::LayerNorm> norm1, norm2;
  std::shared_ptr<nn::Dropout> dropout;

 protected:
  using nn::UnaryModule::UnaryModule;
  void register_feed_forward(const InvertedLayerOptions& options);
  // The residual sum s [B, N, d_model] -> the layer's output.
  Tensor norm_and_feed_forward(const Tensor& residual_sum);

 private:
  bool relu_ = false;
};

// Encoder (layers/Transformer_EncDec.py without conv_layers): the layers in turn, then a
// LayerNorm.
class InvertedEncoder : public nn::UnaryModule {
 public:
  InvertedEncoder(std::vector<std::shared_ptr<InvertedEncoderLayer>> layers, int64_t d_model);
  Tensor forward(const Tensor& x) override;

  std::shared_ptr<nn::ModuleList> attn_layers;
  std::shared_ptr<nn::LayerNorm> norm;

 private:
  std::vector<std::shared_ptr<InvertedEncoderLayer>> layers_;
};

// forward: with use_norm, each variate is normalised over the look-back as in Non-stationary
// Transformers (Liu et al. 2022): x_n = (x - mean) / sqrt(var + 1e-5), population variance,
// the mean detached (the deviation is not); the forecast is y = y_n sqrt(var + 1e-5) + mean.
// The calendar features' tokens are mixed with the variates' but not forecast. Nothing
// depends on the number of tokens, so x may hold any number of variates C.
class InvertedForecaster : public Forecaster {
 public:
  Tensor forward(const Tensor& x, const Tensor& x_mark) override;
  std::string extra_repr() const override;  // the config as JSON

  std::shared_ptr<DataEmbeddingInverted> enc_embedding;
  std::shared_ptr<InvertedEncoder> encoder;
  std::shared_ptr<nn::Linear> projector;

 protected:
  InvertedForecaster(const std::string& type_name, const ForecastShape& shape,
                     const InvertedLayerOptions& options, bool use_norm,
                     std::vector<std::shared_ptr<InvertedEncoderLayer>> layers);

 private:
  void check_inputs(const Tensor& x, const Tensor& x_mark) const;

  ForecastShape shape_;
  bool use_norm_;
};

// The horizons of the papers' ETT scripts, 96, 192, 336 and 720: the index of the script
// whose settings `horizon` takes (the first at least as long; the 720 one's beyond it).
size_t script_horizon_index(int64_t horizon);

}  // namespace kiln::models
