#pragma once

// iTransformer (Liu et al. 2024, "iTransformer: Inverted Transformers Are Effective for Time
// Series Forecasting"), after thuml/iTransformer's model/iTransformer.py: the inverted
// skeleton (inverted_forecaster.h) whose encoder layers are post-norm Transformer layers with
// full multi-head self-attention across the variate tokens. Parameter names are
// the reference's ("encoder.attn_layers.0.attention.query_projection.weight"), so its
// checkpoints load by name; bench/pytorch/itransformer_twin.py is the PyTorch twin.
// Time-Series-Library's models/iTransformer.py is the same network with the head named
// "projection" instead of "projector" and the normalisation always on.
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "models/forecast/inverted_forecaster.h"

namespace kiln::models {

// FullAttention (layers/SelfAttention_Family.py) unmasked, as iTransformer builds it:
// softmax(q k^T / sqrt(E)) v per head (Vaswani et al. 2017, eq. 1), dropout on the weights in
// training mode. q, k, v [B, H, N, E] -> [B, H, N, E].
class FullAttention : public nn::Module {
 public:
  explicit FullAttention(double attention_dropout);
  Tensor forward(const Tensor& queries, const Tensor& keys, const Tensor& values);

 private:
  double attention_dropout_;
};

// AttentionLayer: query/key/value projections to n_heads heads of d_model / n_heads (rounded
// down, as the reference), the inner attention, out_projection back to d_model.
class AttentionLayer : public nn::UnaryModule {
 public:
  AttentionLayer(int64_t d_model, int64_t n_heads, double attention_dropout);
  // Self-attention over the tokens: x [B, N, d_model] -> [B, N, d_model].
  Tensor forward(const Tensor& x) override;

  std::shared_ptr<FullAttention> inner_attention;
  std::shared_ptr<nn::Linear> query_projection, key_projection, value_projection, out_projection;

 private:
  int64_t n_heads_;
};

// EncoderLayer (layers/Transformer_EncDec.py): s = x + dropout(attention(x)), then the
// feed-forward block of InvertedEncoderLayer.
class ITransformerEncoderLayer : public InvertedEncoderLayer {
 public:
  ITransformerEncoderLayer(const InvertedLayerOptions& options, int64_t n_heads);
  Tensor forward(const Tensor& x) override;

  std::shared_ptr<AttentionLayer> attention;
};

class ITransformer : public InvertedForecaster {
 public:
  // run.py's arguments that shape the model; defaults as iTransformer_ETTh1.sh at H = 96
  // with run.py's defaults for the rest. (run.py's factor does nothing in FullAttention.)
  struct Config {
    int64_t d_model = 256;
    int64_t n_heads = 8;
    int64_t e_layers = 2;
    int64_t d_ff = 256;
    double dropout = 0.1;
    std::string activation = "gelu";
    bool use_norm = true;  // the series normalisation of InvertedForecaster
  };

  ITransformer(const ForecastShape& shape, const Config& config);
  nlohmann::json config_json() const override;

  // thuml/iTransformer's scripts/multivariate_forecasting/ETT/iTransformer_ETTh1.sh and
  // iTransformer_ETTh2.sh with run.py's defaults.
  static ForecastRecipe paper_recipe(const std::string& dataset, int64_t horizon);

 private:
  Config config_;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ITransformer::Config, d_model, n_heads, e_layers,
                                                d_ff, dropout, activation, use_norm)

}  // namespace kiln::models
