#pragma once

// The input embeddings of Time-Series-Library's layers/Embed.py (thuml; kwuking/TimeMixer
// has the same file), with its module and parameter names: a series of c_in values per step
// becomes d_model features per step.
#include <cstdint>
#include <memory>

#include "nn/conv.h"
#include "nn/dropout.h"
#include "nn/linear.h"

namespace kiln::models {

// The sinusoidal table of Vaswani et al. 2017 as the buffer pe [1, max_len, d_model].
class PositionalEmbedding : public nn::Module {
 public:
  explicit PositionalEmbedding(int64_t d_model, int64_t max_len = 5000);

  Tensor pe;
};

// Each step's value from its own and its two neighbours' (circularly wrapped) through a
// bias-free Conv1d of width 3, weights from kaiming_normal_ (fan in, leaky_relu).
class TokenEmbedding : public nn::Module {
 public:
  TokenEmbedding(int64_t c_in, int64_t d_model);
  Tensor forward(const Tensor& x);  // [B, T, c_in] -> [B, T, d_model]

  std::shared_ptr<nn::Conv1d> tokenConv;
};

// The calendar features of a step (embed = "timeF") through a bias-free Linear.
class TimeFeatureEmbedding : public nn::Module {
 public:
  TimeFeatureEmbedding(int64_t d_model, int64_t mark_features);
  Tensor forward(const Tensor& x_mark);  // [B, T, F] -> [B, T, d_model]

  std::shared_ptr<nn::Linear> embed;
};

// DataEmbedding_wo_pos: the token embedding plus, when calendar features are given, their
// embedding; then dropout. Its position table is built and never added (the "wo_pos"), and
// is kept so that the reference's state dicts load by name. Without calendar features
// (mark_features 0) there is no temporal_embedding.
class DataEmbeddingWithoutPosition : public nn::Module {
 public:
  DataEmbeddingWithoutPosition(int64_t c_in, int64_t d_model, int64_t mark_features,
                               double dropout);
  // x [B, T, c_in], x_mark [B, T, F] or undefined -> [B, T, d_model].
  Tensor forward(const Tensor& x, const Tensor& x_mark);

  std::shared_ptr<TokenEmbedding> value_embedding;
  std::shared_ptr<PositionalEmbedding> position_embedding;
  std::shared_ptr<TimeFeatureEmbedding> temporal_embedding;  // null without calendar features
  std::shared_ptr<nn::Dropout> dropout;
};

}  // namespace kiln::models
