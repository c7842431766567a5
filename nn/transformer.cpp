#include "nn/transformer.h"

#include <limits>
#include <utility>

#include "autograd/functions.h"
#include "nn/init.h"
#include "nn/module_scope.h"
#include "tensor/creation.h"

namespace kiln::nn {

namespace {

std::shared_ptr<MultiheadAttention> attention(const char* layer, int64_t d_model, int64_t nhead,
                                              const TransformerLayerOptions& options) {
  KILN_CHECK(d_model > 0 && nhead > 0 && d_model % nhead == 0, layer, ": d_model ", d_model,
             " is not a positive multiple of nhead ", nhead);
  return std::make_shared<MultiheadAttention>(d_model, nhead, options.dropout, options.bias,
                                              std::nullopt, std::nullopt, options.batch_first);
}

// PyTorch passes bias on to the LayerNorms too.
std::shared_ptr<LayerNorm> layer_norm(int64_t d_model, const TransformerLayerOptions& options) {
  return std::make_shared<LayerNorm>(Shape{d_model}, options.layer_norm_eps, true, options.bias);
}

Tensor activate(const TransformerLayerOptions& options, const Tensor& x) {
  if (const auto* function = std::get_if<ActivationFunction>(&options.activation))
    return (*function)(x);
  return std::get<TransformerActivation>(options.activation) == TransformerActivation::GELU
             ? gelu(x)
             : relu(x);
}

// linear2(dropout(activation(linear1(x)))): the feed-forward block before its last dropout.
Tensor feed_forward(Linear& linear1, Dropout& dropout, Linear& linear2,
                    const TransformerLayerOptions& options, const Tensor& x) {
  return linear2(dropout(activate(options, linear1(x))));
}

// Only the output is needed, so the attention runs on the fused op, as in PyTorch's layers.
AttentionOptions attention_options(const Tensor& attn_mask, const Tensor& key_padding_mask,
                                   bool is_causal) {
  return {.key_padding_mask = key_padding_mask,
          .attn_mask = attn_mask,
          .need_weights = false,
          .is_causal = is_causal};
}

// Gives `copy`, a module built with `source`'s options, source's parameter values and mode.
void copy_state(const Module& source, Module& copy) {
  const auto from = source.named_parameters();
  const auto to = copy.named_parameters();
  for (size_t i = 0; i < from.size(); ++i) set_data(to[i].second, from[i].second.detach().clone());
  copy.train(source.is_training());
}

}  // namespace

TransformerEncoderLayer::TransformerEncoderLayer(int64_t d_model, int64_t nhead,
                                                 TransformerLayerOptions options)
    : Module("TransformerEncoderLayer"),
      d_model_(d_model),
      nhead_(nhead),
      options_(std::move(options)) {
  self_attn =
      register_module("self_attn", attention(type_name().c_str(), d_model, nhead, options_));
  const int64_t hidden = options_.dim_feedforward;
  linear1 = register_module("linear1", std::make_shared<Linear>(d_model, hidden, options_.bias));
  dropout = register_module("dropout", std::make_shared<Dropout>(options_.dropout));
  linear2 = register_module("linear2", std::make_shared<Linear>(hidden, d_model, options_.bias));
  norm1 = register_module("norm1", layer_norm(d_model, options_));
  norm2 = register_module("norm2", layer_norm(d_model, options_));
  dropout1 = register_module("dropout1", std::make_shared<Dropout>(options_.dropout));
  dropout2 = register_module("dropout2", std::make_shared<Dropout>(options_.dropout));
}

Tensor TransformerEncoderLayer::forward(const Tensor& src, const Tensor& src_mask,
                                        const Tensor& src_key_padding_mask, bool is_causal) {
  const ModuleScope scope(*this);
  const AttentionOptions self = attention_options(src_mask, src_key_padding_mask, is_causal);
  if (options_.norm_first) {
    const Tensor x = src + self_attention_block((*norm1)(src), self);
    return x + feed_forward_block((*norm2)(x));
  }
  const Tensor x = (*norm1)(src + self_attention_block(src, self));
  return (*norm2)(x + feed_forward_block(x));
}

Tensor TransformerEncoderLayer::self_attention_block(const Tensor& x,
                                                     const AttentionOptions& attention) {
  return (*dropout1)(self_attn->forward(x, x, x, attention).output);
}

Tensor TransformerEncoderLayer::feed_forward_block(const Tensor& x) {
  return (*dropout2)(feed_forward(*linear1, *dropout, *linear2, options_, x));
}

std::shared_ptr<TransformerEncoderLayer> TransformerEncoderLayer::clone() const {
  auto copy = std::make_shared<TransformerEncoderLayer>(d_model_, nhead_, options_);
  copy_state(*this, *copy);
  return copy;
}

TransformerDecoderLayer::TransformerDecoderLayer(int64_t d_model, int64_t nhead,
                                                 TransformerLayerOptions options)
    : Module("TransformerDecoderLayer"),
      d_model_(d_model),
      nhead_(nhead),
      options_(std::move(options)) {
  self_attn =
      register_module("self_attn", attention(type_name().c_str(), d_model, nhead, options_));
  multihead_attn =
      register_module("multihead_attn", attention(type_name().c_str(), d_model, nhead, options_));
  const int64_t hidden = options_.dim_feedforward;
  linear1 = register_module("linear1", std::make_shared<Linear>(d_model, hidden, options_.bias));
  dropout = register_module("dropout", std::make_shared<Dropout>(options_.dropout));
  linear2 = register_module("linear2", std::make_shared<Linear>(hidden, d_model, options_.bias));
  norm1 = register_module("norm1", layer_norm(d_model, options_));
  norm2 = register_module("norm2", layer_norm(d_model, options_));
  norm3 = register_module("norm3", layer_norm(d_model, options_));
  dropout1 = register_module("dropout1", std::make_shared<Dropout>(options_.dropout));
  dropout2 = register_module("dropout2", std::make_shared<Dropout>(options_.dropout));
  dropout3 = register_module("dropout3", std::make_shared<Dropout>(options_.dropout));
}

Tensor TransformerDecoderLayer::forward(const Tensor& tgt, const Tensor& memory,
                                        const Tensor& tgt_mask, const Tensor& memory_mask,
                                        const Tensor& tgt_key_padding_mask,
                                        const Tensor& memory_key_padding_mask, bool tgt_is_causal,
                                        bool memory_is_causal) {
  const ModuleScope scope(*this);
  const AttentionOptions self = attention_options(tgt_mask, tgt_key_padding_mask, tgt_is_causal);
  const AttentionOptions cross =
      attention_options(memory_mask, memory_key_padding_mask, memory_is_causal);
  if (options_.norm_first) {
    Tensor x = tgt + self_attention_block((*norm1)(tgt), self);
    x = x + memory_attention_block((*norm2)(x), memory, cross);
    return x + feed_forward_block((*norm3)(x));
  }
  Tensor x = (*norm1)(tgt + self_attention_block(tgt, self));
  x = (*norm2)(x + memory_attention_block(x, memory, cross));
  return (*norm3)(x + feed_forward_block(x));
}

Tensor TransformerDecoderLayer::self_attention_block(const Tensor& x,
                                                     const AttentionOptions& attention) {
  return (*dropout1)(self_attn->forward(x, x, x, attention).output);
}

Tensor TransformerDecoderLayer::memory_attention_block(const Tensor& x, const Tensor& memory,
                                                       const AttentionOptions& attention) {
  return (*dropout2)(multihead_attn->forward(x, memory, memory, attention).output);
}

Tensor TransformerDecoderLayer::feed_forward_block(const Tensor& x) {
  return (*dropout3)(feed_forward(*linear1, *dropout, *linear2, options_, x));
}

std::shared_ptr<TransformerDecoderLayer> TransformerDecoderLayer::clone() const {
  auto copy = std::make_shared<TransformerDecoderLayer>(d_model_, nhead_, options_);
  copy_state(*this, *copy);
  return copy;
}

TransformerEncoder::TransformerEncoder(const TransformerEncoderLayer& encoder_layer,
                                       int64_t num_layers, std::shared_ptr<LayerNorm> norm)
    : Module("TransformerEncoder") {
  KILN_CHECK(num_layers >= 0, "TransformerEncoder: num_layers must not be negative, got ",
             num_layers);
  layers = register_module("layers", std::make_shared<ModuleList>());
  for (int64_t i = 0; i < num_layers; ++i) layers->push_back(encoder_layer.clone());
  if (norm) this->norm = register_module("norm", std::move(norm));
}

Tensor TransformerEncoder::forward(const Tensor& src, const Tensor& mask,
                                   const Tensor& src_key_padding_mask, bool is_causal) {
  const ModuleScope scope(*this);
  Tensor x = src;
  for (size_t i = 0; i < layers->size(); ++i) {
    x = layers->at<TransformerEncoderLayer>(i)->forward(x, mask, src_key_padding_mask, is_causal);
  }
  return norm ? (*norm)(x) : x;
}

TransformerDecoder::TransformerDecoder(const TransformerDecoderLayer& decoder_layer,
                                       int64_t num_layers, std::shared_ptr<LayerNorm> norm)
    : Module("TransformerDecoder") {
  KILN_CHECK(num_layers >= 0, "TransformerDecoder: num_layers must not be negative, got ",
             num_layers);
  layers = register_module("layers", std::make_shared<ModuleList>());
  for (int64_t i = 0; i < num_layers; ++i) layers->push_back(decoder_layer.clone());
  if (norm) this->norm = register_module("norm", std::move(norm));
}

Tensor TransformerDecoder::forward(const Tensor& tgt, const Tensor& memory, const Tensor& tgt_mask,
                                   const Tensor& memory_mask, const Tensor& tgt_key_padding_mask,
                                   const Tensor& memory_key_padding_mask, bool tgt_is_causal,
                                   bool memory_is_causal) {
  const ModuleScope scope(*this);
  Tensor x = tgt;
  for (size_t i = 0; i < layers->size(); ++i) {
    x = layers->at<TransformerDecoderLayer>(i)->forward(
        x, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask,
        tgt_is_causal, memory_is_causal);
  }
  return norm ? (*norm)(x) : x;
}

Transformer::Transformer(TransformerOptions options)
    : Module("Transformer"), options_(std::move(options)) {
  const int64_t d_model = options_.d_model, nhead = options_.nhead;
  const TransformerLayerOptions& layer = options_.layer;
  encoder =
      register_module("encoder", std::make_shared<TransformerEncoder>(
                                     TransformerEncoderLayer(d_model, nhead, layer),
                                     options_.num_encoder_layers, layer_norm(d_model, layer)));
  decoder =
      register_module("decoder", std::make_shared<TransformerDecoder>(
                                     TransformerDecoderLayer(d_model, nhead, layer),
                                     options_.num_decoder_layers, layer_norm(d_model, layer)));
  // PyTorch's _reset_parameters: Xavier-uniform for every matrix, after the copies, so each
  // layer gets its own.
  for (const auto& [name, parameter] : named_parameters()) {
    if (parameter.dim() > 1) init::xavier_uniform_(parameter);
  }
}

Tensor Transformer::forward(const Tensor& src, const Tensor& tgt, const Tensor& src_mask,
                            const Tensor& tgt_mask, const Tensor& memory_mask,
                            const Tensor& src_key_padding_mask, const Tensor& tgt_key_padding_mask,
                            const Tensor& memory_key_padding_mask, bool src_is_causal,
                            bool tgt_is_causal, bool memory_is_causal) {
  const ModuleScope scope(*this);
  check_inputs(src, tgt);
  const Tensor memory = encoder->forward(src, src_mask, src_key_padding_mask, src_is_causal);
  return decoder->forward(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask,
                          memory_key_padding_mask, tgt_is_causal, memory_is_causal);
}

void Transformer::check_inputs(const Tensor& src, const Tensor& tgt) const {
  KILN_CHECK(src.dim() == 3 && tgt.dim() == 3, "Transformer: src and tgt must be 3-D, got ",
             src.shape(), " and ", tgt.shape());
  const int64_t batch_dim = options_.layer.batch_first ? 0 : 1;
  KILN_CHECK(src.size(batch_dim) == tgt.size(batch_dim), "Transformer: the batch sizes of src ",
             src.shape(), " and tgt ", tgt.shape(), " differ");
  KILN_CHECK(src.size(2) == options_.d_model && tgt.size(2) == options_.d_model,
             "Transformer: src ", src.shape(), " and tgt ", tgt.shape(),
             " must have d_model = ", options_.d_model, " features");
}

Tensor Transformer::generate_square_subsequent_mask(int64_t size, TensorOptions options) {
  return full({size, size}, -std::numeric_limits<double>::infinity(), options).triu(1);
}

}  // namespace kiln::nn
