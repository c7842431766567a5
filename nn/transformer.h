#pragma once

// PyTorch's transformer layers (Vaswani et al. 2017): torch.nn.TransformerEncoderLayer,
// TransformerDecoderLayer, their stacks TransformerEncoder / TransformerDecoder and the
// encoder-decoder Transformer, with PyTorch's options, argument order and parameter names, so
// a PyTorch state dict loads as is.
//
// Masks as PyTorch takes them: attention masks [L, S] or [N * nhead, L, S], bool (true = not
// allowed) or float (added to the scores); key padding masks [N, S], bool (true = padding) or
// float. is_causal masks every key after its query, whether or not a mask is also given (a
// given mask is then expected to be that causal mask, as PyTorch's hint says).
#include <cstdint>
#include <functional>
#include <memory>
#include <variant>

#include "nn/attention.h"
#include "nn/dropout.h"
#include "nn/linear.h"
#include "nn/normalization.h"
#include "tensor/creation.h"

namespace kiln::nn {

// PyTorch's activation="relu" or "gelu" (the exact, erf form).
enum class TransformerActivation { ReLU, GELU };
using ActivationFunction = std::function<Tensor(const Tensor&)>;

// The options of TransformerEncoderLayer and TransformerDecoderLayer, with PyTorch's defaults.
struct TransformerLayerOptions {
  int64_t dim_feedforward = 2048;
  double dropout = 0.1;
  // Between the feed-forward block's two linear layers: one of PyTorch's, or any callable.
  std::variant<TransformerActivation, ActivationFunction> activation = TransformerActivation::ReLU;
  double layer_norm_eps = 1e-5;
  bool batch_first = false;  // [N, S, E] rather than [S, N, E]
  bool norm_first = false;   // LayerNorm before each block (pre-norm) rather than after it
  bool bias = true;          // in the linear layers, the attention projections and LayerNorms
};

// Self-attention, then a feed-forward block, each with dropout and a residual connection.
// Parameters: self_attn.*, linear1.*, linear2.*, norm1.*, norm2.*.
class TransformerEncoderLayer : public Module {
 public:
  TransformerEncoderLayer(int64_t d_model, int64_t nhead, TransformerLayerOptions options = {});
  // src [S, N, E] ([N, S, E] with batch_first) -> the same shape.
  Tensor forward(const Tensor& src, const Tensor& src_mask = {},
                 const Tensor& src_key_padding_mask = {}, bool is_causal = false);
  // A new layer with the same options and a copy of this one's parameters and mode (what
  // PyTorch's TransformerEncoder gets from copy.deepcopy).
  std::shared_ptr<TransformerEncoderLayer> clone() const;

  std::shared_ptr<MultiheadAttention> self_attn;
  std::shared_ptr<Linear> linear1, linear2;
  std::shared_ptr<LayerNorm> norm1, norm2;
  std::shared_ptr<Dropout> dropout, dropout1, dropout2;

 private:
  Tensor self_attention_block(const Tensor& x, const AttentionOptions& attention);
  Tensor feed_forward_block(const Tensor& x);

  int64_t d_model_, nhead_;
  TransformerLayerOptions options_;
};

// Self-attention, attention over the encoder's output (memory), then a feed-forward block,
// each with dropout and a residual connection. Parameters: self_attn.*, multihead_attn.*,
// linear1.*, linear2.*, norm1.*, norm2.*, norm3.*.
class TransformerDecoderLayer : public Module {
 public:
  TransformerDecoderLayer(int64_t d_model, int64_t nhead, TransformerLayerOptions options = {});
  // tgt [T, N, E], memory [S, N, E] (batch first: [N, T, E], [N, S, E]) -> tgt's shape.
  Tensor forward(const Tensor& tgt, const Tensor& memory, const Tensor& tgt_mask = {},
                 const Tensor& memory_mask = {}, const Tensor& tgt_key_padding_mask = {},
                 const Tensor& memory_key_padding_mask = {}, bool tgt_is_causal = false,
                 bool memory_is_causal = false);
  std::shared_ptr<TransformerDecoderLayer> clone() const;

  std::shared_ptr<MultiheadAttention> self_attn, multihead_attn;
  std::shared_ptr<Linear> linear1, linear2;
  std::shared_ptr<LayerNorm> norm1, norm2, norm3;
  std::shared_ptr<Dropout> dropout, dropout1, dropout2, dropout3;

 private:
  Tensor self_attention_block(const Tensor& x, const AttentionOptions& attention);
  Tensor memory_attention_block(const Tensor& x, const Tensor& memory,
                                const AttentionOptions& attention);
  Tensor feed_forward_block(const Tensor& x);

  int64_t d_model_, nhead_;
  TransformerLayerOptions options_;
};

// num_layers copies of encoder_layer (options and parameter values, as PyTorch's deepcopy:
// every layer starts from the same weights) named layers.0, layers.1, ..., then the optional
// norm.
class TransformerEncoder : public Module {
 public:
  TransformerEncoder(const TransformerEncoderLayer& encoder_layer, int64_t num_layers,
                     std::shared_ptr<LayerNorm> norm = nullptr);
  Tensor forward(const Tensor& src, const Tensor& mask = {},
                 const Tensor& src_key_padding_mask = {}, bool is_causal = false);

  std::shared_ptr<ModuleList> layers;
  std::shared_ptr<LayerNorm> norm;  // null without one
};

// num_layers copies of decoder_layer, as TransformerEncoder's, then the optional norm.
class TransformerDecoder : public Module {
 public:
  TransformerDecoder(const TransformerDecoderLayer& decoder_layer, int64_t num_layers,
                     std::shared_ptr<LayerNorm> norm = nullptr);
  Tensor forward(const Tensor& tgt, const Tensor& memory, const Tensor& tgt_mask = {},
                 const Tensor& memory_mask = {}, const Tensor& tgt_key_padding_mask = {},
                 const Tensor& memory_key_padding_mask = {}, bool tgt_is_causal = false,
                 bool memory_is_causal = false);

  std::shared_ptr<ModuleList> layers;
  std::shared_ptr<LayerNorm> norm;
};

// nn.Transformer's constructor arguments; `layer` holds the ones it passes on to every layer.
struct TransformerOptions {
  int64_t d_model = 512;
  int64_t nhead = 8;
  int64_t num_encoder_layers = 6;
  int64_t num_decoder_layers = 6;
  TransformerLayerOptions layer = {};
};

// The encoder-decoder: encoder.layers.N.*, encoder.norm.*, decoder.layers.N.*, decoder.norm.*
// (a final LayerNorm on each side, post-norm or not, as PyTorch's), every matrix drawn
// Xavier-uniform.
class Transformer : public Module {
 public:
  explicit Transformer(TransformerOptions options = {});
  // src [S, N, E], tgt [T, N, E] (batch first: [N, S, E], [N, T, E]) -> tgt's shape.
  Tensor forward(const Tensor& src, const Tensor& tgt, const Tensor& src_mask = {},
                 const Tensor& tgt_mask = {}, const Tensor& memory_mask = {},
                 const Tensor& src_key_padding_mask = {}, const Tensor& tgt_key_padding_mask = {},
                 const Tensor& memory_key_padding_mask = {}, bool src_is_causal = false,
                 bool tgt_is_causal = false, bool memory_is_causal = false);
  // [size, size]: -inf above the diagonal, 0 elsewhere (float32 unless `options` say else).
  static Tensor generate_square_subsequent_mask(int64_t size, TensorOptions options = {});

  std::shared_ptr<TransformerEncoder> encoder;
  std::shared_ptr<TransformerDecoder> decoder;

 private:
  void check_inputs(const Tensor& src, const Tensor& tgt) const;

  TransformerOptions options_;
};

}  // namespace kiln::nn
