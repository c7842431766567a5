#include "models/graph_attention_encoder.h"

#include <cmath>

#include "autograd/functions.h"
#include "nn/activation.h"
#include "nn/init.h"
#include "nn/linear.h"
#include "nn/module_scope.h"
#include "tensor/creation.h"

namespace kiln::models {

SkipConnection::SkipConnection(std::shared_ptr<nn::UnaryModule> module)
    : UnaryModule("SkipConnection") {
  this->module = register_module("module", std::move(module));
}

Tensor SkipConnection::forward(const Tensor& input) {
  return input + module->forward(input);
}

namespace {

Tensor uniform_by_last_dim(const Shape& shape) {
  const double bound = 1 / std::sqrt(static_cast<double>(shape.back()));
  Tensor weight = empty(shape);
  nn::init::uniform_(weight, -bound, bound);
  return weight;
}

// x [B, n, d] through the per-head weight [H, d, k] as one GEMM -> [B, H, n, k].
Tensor project_heads(const Tensor& x, const Tensor& weight) {
  const int64_t heads = weight.size(0), dim = weight.size(1), head_dim = weight.size(2);
  const Tensor stacked = weight.permute({1, 0, 2}).reshape({dim, heads * head_dim});
  return x.matmul(stacked).view({x.size(0), x.size(1), heads, head_dim}).transpose(1, 2);
}

}  // namespace

GraphMultiHeadAttention::GraphMultiHeadAttention(int64_t n_heads, int64_t embed_dim)
    : UnaryModule("MultiHeadAttention"), n_heads_(n_heads), embed_dim_(embed_dim) {
  KILN_CHECK(n_heads > 0 && embed_dim > 0 && embed_dim % n_heads == 0,
             "MultiHeadAttention: embed_dim ", embed_dim,
             " must be a positive multiple of n_heads ", n_heads);
  const int64_t head_dim = embed_dim / n_heads;
  W_query = register_parameter("W_query", uniform_by_last_dim({n_heads, embed_dim, head_dim}));
  W_key = register_parameter("W_key", uniform_by_last_dim({n_heads, embed_dim, head_dim}));
  W_val = register_parameter("W_val", uniform_by_last_dim({n_heads, embed_dim, head_dim}));
  W_out = register_parameter("W_out", uniform_by_last_dim({n_heads, head_dim, embed_dim}));
}

Tensor GraphMultiHeadAttention::forward(const Tensor& x) {
  KILN_CHECK(x.dim() == 3 && x.size(2) == embed_dim_, "MultiHeadAttention: expected [B, n, ",
             embed_dim_, "], got ", x.shape());
  const Tensor heads = scaled_dot_product_attention(
      project_heads(x, W_query), project_heads(x, W_key), project_heads(x, W_val));
  const int64_t batch = x.size(0), nodes = x.size(1);
  return heads.transpose(1, 2)
      .reshape({batch, nodes, embed_dim_})
      .matmul(W_out.reshape({embed_dim_, embed_dim_}));
}

std::string GraphMultiHeadAttention::extra_repr() const {
  return "n_heads=" + std::to_string(n_heads_) + ", embed_dim=" + std::to_string(embed_dim_);
}

Normalization::Normalization(int64_t embed_dim) : UnaryModule("Normalization") {
  normalizer = register_module("normalizer", std::make_shared<nn::BatchNorm1d>(embed_dim));
}

Tensor Normalization::forward(const Tensor& input) {
  return normalizer->forward(input.reshape({-1, input.size(-1)})).view(input.shape());
}

std::shared_ptr<nn::Sequential> make_multi_head_attention_layer(int64_t n_heads, int64_t embed_dim,
                                                                int64_t feed_forward_hidden) {
  auto feed_forward =
      std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::UnaryModule>>{
          std::make_shared<nn::Linear>(embed_dim, feed_forward_hidden),
          std::make_shared<nn::ReLU>(),
          std::make_shared<nn::Linear>(feed_forward_hidden, embed_dim)});
  return std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::UnaryModule>>{
      std::make_shared<SkipConnection>(
          std::make_shared<GraphMultiHeadAttention>(n_heads, embed_dim)),
      std::make_shared<Normalization>(embed_dim), std::make_shared<SkipConnection>(feed_forward),
      std::make_shared<Normalization>(embed_dim)});
}

GraphAttentionEncoder::GraphAttentionEncoder(int64_t n_heads, int64_t embed_dim, int64_t n_layers,
                                             int64_t feed_forward_hidden)
    : Module("GraphAttentionEncoder") {
  layers = register_module("layers", std::make_shared<nn::Sequential>());
  for (int64_t layer = 0; layer < n_layers; ++layer)
    layers->push_back(make_multi_head_attention_layer(n_heads, embed_dim, feed_forward_hidden));
}

GraphEncoding GraphAttentionEncoder::forward(const Tensor& h) {
  const nn::ModuleScope scope(*this);
  const Tensor node_embeddings = layers->forward(h);
  return {node_embeddings, node_embeddings.mean({1})};
}

}  // namespace kiln::models
