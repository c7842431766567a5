#include "models/layers.h"

#include <cmath>

#include "autograd/functions.h"
#include "tensor/creation.h"

namespace kiln::models {

TiedLinear::TiedLinear(const Tensor& tied) : UnaryModule("Linear") {
  weight = register_parameter("weight", tied);
}

Tensor TiedLinear::forward(const Tensor& input) {
  return input.matmul(weight.t());
}

Tensor sinusoidal_positions(int64_t length, int64_t dim) {
  std::vector<double> table(static_cast<size_t>(length * dim));
  for (int64_t pos = 0; pos < length; ++pos) {
    for (int64_t i = 0; i < dim; ++i) {
      const double angle =
          static_cast<double>(pos) /
          std::pow(10000.0, static_cast<double>(i - i % 2) / static_cast<double>(dim));
      table[static_cast<size_t>(pos * dim + i)] = i % 2 == 0 ? std::sin(angle) : std::cos(angle);
    }
  }
  return from_vector(table, {length, dim}).to(kFloat32);
}

namespace {
nn::AttentionOptions self_attention(const Tensor& padding, bool causal) {
  return {.key_padding_mask = padding, .need_weights = false, .is_causal = causal};
}
}  // namespace

EncoderLayer::EncoderLayer(int64_t d_model, int64_t heads, int64_t d_ff, double p, bool pre_norm)
    : Module("TransformerEncoderLayer"), pre_norm_(pre_norm) {
  self_attn =
      register_module("self_attn", std::make_shared<nn::MultiheadAttention>(
                                       d_model, heads, p, true, std::nullopt, std::nullopt, true));
  linear1 = register_module("linear1", std::make_shared<nn::Linear>(d_model, d_ff));
  dropout = register_module("dropout", std::make_shared<nn::Dropout>(p));
  linear2 = register_module("linear2", std::make_shared<nn::Linear>(d_ff, d_model));
  norm1 = register_module("norm1", std::make_shared<nn::LayerNorm>(Shape{d_model}));
  norm2 = register_module("norm2", std::make_shared<nn::LayerNorm>(Shape{d_model}));
  dropout1 = register_module("dropout1", std::make_shared<nn::Dropout>(p));
  dropout2 = register_module("dropout2", std::make_shared<nn::Dropout>(p));
}

Tensor EncoderLayer::feed_forward(const Tensor& x) {
  return (*dropout2)((*linear2)((*dropout)(relu((*linear1)(x)))));
}

Tensor EncoderLayer::forward(const Tensor& x, const Tensor& padding) {
  auto attend = [&](const Tensor& h) {
    return (*dropout1)(self_attn->forward(h, h, h, self_attention(padding, false)).output);
  };
  if (pre_norm_) {
    const Tensor y = x + attend((*norm1)(x));
    return y + feed_forward((*norm2)(y));
  }
  const Tensor y = (*norm1)(x + attend(x));
  return (*norm2)(y + feed_forward(y));
}

DecoderLayer::DecoderLayer(int64_t d_model, int64_t heads, int64_t d_ff, double p, bool pre_norm)
    : Module("TransformerDecoderLayer"), pre_norm_(pre_norm) {
  auto attention = [&] {
    return std::make_shared<nn::MultiheadAttention>(d_model, heads, p, true, std::nullopt,
                                                    std::nullopt, true);
  };
  self_attn = register_module("self_attn", attention());
  multihead_attn = register_module("multihead_attn", attention());
  linear1 = register_module("linear1", std::make_shared<nn::Linear>(d_model, d_ff));
  dropout = register_module("dropout", std::make_shared<nn::Dropout>(p));
  linear2 = register_module("linear2", std::make_shared<nn::Linear>(d_ff, d_model));
  norm1 = register_module("norm1", std::make_shared<nn::LayerNorm>(Shape{d_model}));
  norm2 = register_module("norm2", std::make_shared<nn::LayerNorm>(Shape{d_model}));
  norm3 = register_module("norm3", std::make_shared<nn::LayerNorm>(Shape{d_model}));
  dropout1 = register_module("dropout1", std::make_shared<nn::Dropout>(p));
  dropout2 = register_module("dropout2", std::make_shared<nn::Dropout>(p));
  dropout3 = register_module("dropout3", std::make_shared<nn::Dropout>(p));
}

Tensor DecoderLayer::feed_forward(const Tensor& x) {
  return (*dropout3)((*linear2)((*dropout)(relu((*linear1)(x)))));
}

Tensor DecoderLayer::forward(const Tensor& x, const Tensor& memory, const Tensor& padding,
                             const Tensor& memory_padding) {
  auto attend_self = [&](const Tensor& h) {
    return (*dropout1)(self_attn->forward(h, h, h, self_attention(padding, true)).output);
  };
  auto attend_memory = [&](const Tensor& h) {
    return (*dropout2)(
        multihead_attn->forward(h, memory, memory, self_attention(memory_padding, false)).output);
  };
  if (pre_norm_) {
    Tensor y = x + attend_self((*norm1)(x));
    y = y + attend_memory((*norm2)(y));
    return y + feed_forward((*norm3)(y));
  }
  Tensor y = (*norm1)(x + attend_self(x));
  y = (*norm2)(y + attend_memory(y));
  return (*norm3)(y + feed_forward(y));
}

}  // namespace kiln::models
