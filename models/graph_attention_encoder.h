#pragma once

// The encoder of Kool, van Hoof and Welling 2019 ("Attention, Learn to Solve Routing
// Problems!", section 3.1): node embeddings refined by layers of multi-head self-attention
// and a feed-forward sublayer, each with a skip connection and batch normalisation. Module
// and parameter names are wouterkool/attention-learn-to-route's (nets/graph_encoder.py), so
// "layers.0.0.module.W_query" means the same tensor in both.
#include <cstdint>
#include <memory>
#include <string>

#include "nn/batch_norm.h"
#include "nn/containers.h"

namespace kiln::models {

// input + module(input).
class SkipConnection : public nn::UnaryModule {
 public:
  explicit SkipConnection(std::shared_ptr<nn::UnaryModule> module);
  Tensor forward(const Tensor& input) override;

  std::shared_ptr<nn::UnaryModule> module;
};

// Self-attention with per-head projections and no biases: for head h,
// Q_h = x W_query[h], K_h = x W_key[h], V_h = x W_val[h] ([n_heads, d, d / n_heads] each),
// out = sum_h softmax(Q_h K_h^T / sqrt(d / n_heads)) V_h W_out[h]. Every weight is drawn
// from U(+-1 / sqrt(its last dim)).
class GraphMultiHeadAttention : public nn::UnaryModule {
 public:
  GraphMultiHeadAttention(int64_t n_heads, int64_t embed_dim);
  // x [B, n, d] -> [B, n, d].
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

  Tensor W_query, W_key, W_val, W_out;

 private:
  int64_t n_heads_, embed_dim_;
};

// Batch normalisation of [B, n, d] over its B x n rows, one statistic per feature.
class Normalization : public nn::UnaryModule {
 public:
  explicit Normalization(int64_t embed_dim);
  Tensor forward(const Tensor& input) override;

  std::shared_ptr<nn::BatchNorm1d> normalizer;
};

// One encoder layer, a Sequential as in the reference: skip(attention), norm,
// skip(Linear(d, hidden), ReLU, Linear(hidden, d)), norm.
std::shared_ptr<nn::Sequential> make_multi_head_attention_layer(int64_t n_heads, int64_t embed_dim,
                                                                int64_t feed_forward_hidden);

struct GraphEncoding {
  Tensor node_embeddings;  // [B, n, d]
  Tensor graph_embedding;  // their mean over the nodes, [B, d]
};

class GraphAttentionEncoder : public nn::Module {
 public:
  GraphAttentionEncoder(int64_t n_heads, int64_t embed_dim, int64_t n_layers,
                        int64_t feed_forward_hidden = 512);
  // Initial node embeddings h [B, n, d].
  GraphEncoding forward(const Tensor& h);

  std::shared_ptr<nn::Sequential> layers;
};

}  // namespace kiln::models
