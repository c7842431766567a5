#pragma once

// PatchTST's channel-independent Transformer encoder (Nie et al. 2023, section 3.1), as
// yuqinie98/PatchTST's PatchTST_supervised/layers/PatchTST_backbone.py writes it: patches
// embedded by W_P plus learned positions W_pos, then layers of multi-head self-attention and
// a feed-forward block, each added to its input and normalised with BatchNorm over the
// patches. With residual attention (He et al. 2020, "RealFormer") each layer's pre-softmax
// scores are added to the next layer's. Class names are the reference's (type names), so
// state dicts match key for key.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "nn/containers.h"
#include "nn/dropout.h"
#include "nn/linear.h"

namespace kiln::models {

struct TSTEncoderOptions {
  int64_t n_layers = 3;
  int64_t d_model = 16;
  int64_t n_heads = 4;
  int64_t d_ff = 128;
  double dropout = 0;        // after the projections, in the feed-forward block and on the input
  double attn_dropout = 0;   // on the attention weights
  std::string act = "gelu";  // or "relu", between the feed-forward block's layers
  bool res_attention = true;
  bool pre_norm = false;  // normalise before each block rather than after its residual sum
};

// x.transpose(dim0, dim1) as a module, so that BatchNorm1d sits at index 1 of a Sequential
// (norm_attn.1.weight), as in the reference.
class Transpose : public nn::UnaryModule {
 public:
  Transpose(int64_t dim0, int64_t dim1) : UnaryModule("Transpose"), dim0_(dim0), dim1_(dim1) {}
  Tensor forward(const Tensor& x) override { return x.transpose(dim0_, dim1_); }

 private:
  int64_t dim0_, dim1_;
};

struct TSTAttention {
  Tensor output;   // [N, H, L, d_v]
  Tensor weights;  // softmax(scores), [N, H, L, L]
  Tensor scores;   // q k^T * scale (+ the previous layer's scores), [N, H, L, L]
};

// softmax(q k^T / sqrt(d_k) + prev) v (Vaswani et al. 2017, eq. 1, with RealFormer's prev).
class ScaledDotProductAttention : public nn::Module {
 public:
  ScaledDotProductAttention(int64_t d_model, int64_t n_heads, double dropout_p);
  // q [N, H, L, d_k], k [N, H, d_k, L] (transposed), v [N, H, L, d_v], prev undefined or
  // [N, H, L, L].
  TSTAttention forward(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& prev);

  std::shared_ptr<nn::Dropout> attn_dropout;
  // 1 / sqrt(d_model / n_heads): a Parameter with requires_grad=False in the reference
  // (learned only with its lsa option); a buffer here, so that optimizers see only what
  // trains, under the same state dict key.
  Tensor scale;
};

// The reference's _MultiheadAttention: W_Q, W_K and W_V split into heads, attention, and
// to_out (a Linear and dropout).
class TSTMultiheadAttention : public nn::Module {
 public:
  explicit TSTMultiheadAttention(const TSTEncoderOptions& options);
  // x [N, L, d_model] attending to itself -> output [N, L, d_model], with the weights and
  // scores of every head.
  TSTAttention forward(const Tensor& x, const Tensor& prev);

  std::shared_ptr<nn::Linear> W_Q, W_K, W_V;
  std::shared_ptr<ScaledDotProductAttention> sdp_attn;
  std::shared_ptr<nn::Sequential> to_out;

 private:
  int64_t n_heads_, d_k_;
};

class TSTEncoderLayer : public nn::Module {
 public:
  explicit TSTEncoderLayer(const TSTEncoderOptions& options);
  // src [N, L, d_model] -> (src', this layer's scores, or undefined without residual
  // attention).
  std::pair<Tensor, Tensor> forward(const Tensor& src, const Tensor& prev);

  std::shared_ptr<TSTMultiheadAttention> self_attn;
  std::shared_ptr<nn::Dropout> dropout_attn, dropout_ffn;
  // Transpose(1, 2), BatchNorm1d(d_model), Transpose(1, 2): each feature normalised over the
  // batch and the patches.
  std::shared_ptr<nn::Sequential> norm_attn, norm_ffn;
  std::shared_ptr<nn::Sequential> ff;  // Linear, activation, Dropout, Linear

 private:
  bool res_attention_, pre_norm_;
};

class TSTEncoder : public nn::Module {
 public:
  explicit TSTEncoder(const TSTEncoderOptions& options);
  Tensor forward(const Tensor& src);

  std::shared_ptr<nn::ModuleList> layers;
};

// The reference's TSTiEncoder ("i": channel-independent): every channel's patches are a
// sequence of their own.
class TSTiEncoder : public nn::Module {
 public:
  TSTiEncoder(int64_t patch_num, int64_t patch_len, const TSTEncoderOptions& options);
  // patches [B, C, patch_num, patch_len] -> [B, C, d_model, patch_num].
  Tensor forward(const Tensor& patches);

  std::shared_ptr<nn::Linear> W_P;  // a patch onto d_model (eq. 1)
  Tensor W_pos;                     // [patch_num, d_model], U(-0.02, 0.02) (pe='zeros')
  std::shared_ptr<nn::Dropout> dropout;
  std::shared_ptr<TSTEncoder> encoder;
};

}  // namespace kiln::models
