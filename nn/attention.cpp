#include "nn/attention.h"

#include <cmath>
#include <limits>

#include "autograd/functions.h"
#include "nn/functional.h"
#include "nn/init.h"
#include "nn/module_scope.h"
#include "tensor/creation.h"

namespace kiln::nn {

MultiheadAttention::MultiheadAttention(int64_t embed_dim, int64_t num_heads, double dropout,
                                       bool bias, std::optional<int64_t> kdim,
                                       std::optional<int64_t> vdim, bool batch_first)
    : Module("MultiheadAttention"),
      embed_dim_(embed_dim),
      num_heads_(num_heads),
      dropout_(dropout),
      batch_first_(batch_first) {
  KILN_CHECK(num_heads > 0 && embed_dim % num_heads == 0, "MultiheadAttention: embed_dim ",
             embed_dim, " is not divisible by num_heads ", num_heads);
  const int64_t key_dim = kdim.value_or(embed_dim), value_dim = vdim.value_or(embed_dim);
  if (key_dim == embed_dim && value_dim == embed_dim) {
    in_proj_weight = register_parameter("in_proj_weight",
                                        init::xavier_uniform_(empty({3 * embed_dim, embed_dim})));
  } else {
    q_proj_weight =
        register_parameter("q_proj_weight", init::xavier_uniform_(empty({embed_dim, embed_dim})));
    k_proj_weight =
        register_parameter("k_proj_weight", init::xavier_uniform_(empty({embed_dim, key_dim})));
    v_proj_weight =
        register_parameter("v_proj_weight", init::xavier_uniform_(empty({embed_dim, value_dim})));
  }
  if (bias) in_proj_bias = register_parameter("in_proj_bias", zeros({3 * embed_dim}));
  out_proj = register_module("out_proj", std::make_shared<Linear>(embed_dim, embed_dim, bias));
  if (bias) init::zeros_(out_proj->bias);
}

namespace functional {

AttentionResult multi_head_attention(const Tensor& query, const Tensor& key, const Tensor& value,
                                     const AttentionWeights& w, int64_t num_heads,
                                     const AttentionOptions& options, double dropout_p) {
  KILN_CHECK(query.dim() == 3 && key.dim() == 3 && value.dim() == 3,
             "multi_head_attention: expects 3-D query, key and value, got ", query.shape(), ", ",
             key.shape(), ", ", value.shape());
  const int64_t batch = query.size(0), queries = query.size(1), keys = key.size(1);
  const int64_t embed_dim = query.size(2);
  KILN_CHECK(key.size(0) == batch && value.size(0) == batch && value.size(1) == keys,
             "multi_head_attention: query ", query.shape(), ", key ", key.shape(), " and value ",
             value.shape(), " do not fit [N, L, E], [N, S, *], [N, S, *]");
  KILN_CHECK(num_heads > 0 && embed_dim % num_heads == 0, "multi_head_attention: embed_dim ",
             embed_dim, " is not divisible by num_heads ", num_heads);
  const int64_t head_dim = embed_dim / num_heads;
  auto heads = [&](const Tensor& x, int index, const Tensor& separate) {
    const Tensor weight = w.in_proj_weight.defined()
                              ? w.in_proj_weight.narrow(0, index * embed_dim, embed_dim)
                              : separate;
    const Tensor bias = w.in_proj_bias.defined()
                            ? w.in_proj_bias.narrow(0, index * embed_dim, embed_dim)
                            : Tensor();
    // [N, T, E] -> [N, H, T, head_dim]
    return linear(x, weight, bias).view({batch, x.size(1), num_heads, head_dim}).transpose(1, 2);
  };
  const Tensor q = heads(query, 0, w.q_proj_weight);
  const Tensor k = heads(key, 1, w.k_proj_weight);
  const Tensor v = heads(value, 2, w.v_proj_weight);

  // One additive mask broadcasting to [N, H, L, S] from attn_mask and key_padding_mask.
  constexpr double kNegativeInfinity = -std::numeric_limits<double>::infinity();
  const TensorOptions float_options{.dtype = q.dtype(), .device = q.device()};
  auto additive = [&](const Tensor& m) {
    KILN_CHECK(m.dtype() == kBool || is_floating(m.dtype()),
               "multi_head_attention: masks must be bool or floating, got ", m.dtype());
    return m.dtype() == kBool ? masked_fill(zeros(m.shape(), float_options), m, kNegativeInfinity)
                              : m.to(q.dtype());
  };
  Tensor mask;
  if (options.attn_mask.defined()) {
    const Tensor& m = options.attn_mask;
    KILN_CHECK(m.shape() == Shape({queries, keys}) ||
                   m.shape() == Shape({batch * num_heads, queries, keys}),
               "multi_head_attention: attn_mask of shape ", m.shape(), " is not [L, S] = [",
               queries, ", ", keys, "] or [N * H, L, S] = [", batch * num_heads, ", ", queries,
               ", ", keys, "]");
    mask = m.dim() == 2 ? additive(m) : additive(m).view({batch, num_heads, queries, keys});
  }
  if (options.key_padding_mask.defined()) {
    const Tensor& pad = options.key_padding_mask;
    KILN_CHECK(pad.shape() == Shape({batch, keys}), "multi_head_attention: key_padding_mask of ",
               "shape ", pad.shape(), " is not [N, S] = [", batch, ", ", keys, "]");
    const Tensor expanded = additive(pad).view({batch, 1, 1, keys});
    mask = mask.defined() ? mask + expanded : expanded;
  }
  // The weights as PyTorch returns them: after dropout, the very ones the output used. The
  // fused op serves whenever they are not asked for.
  auto attention_weights = [&] {
    Tensor scores = q.matmul(k.transpose(-1, -2)) / std::sqrt(static_cast<double>(head_dim));
    if (mask.defined()) scores = scores + mask;
    if (options.is_causal) {
      const Tensor future =
          logical_not(tril(ones({queries, keys}, {.dtype = kBool, .device = q.device()})));
      scores = masked_fill(scores, future, kNegativeInfinity);
    }
    return dropout(softmax(scores, -1), dropout_p, dropout_p > 0);
  };
  Tensor weights, attended;
  if (options.need_weights) {
    weights = attention_weights();
    attended = weights.matmul(v);
  } else {
    attended = scaled_dot_product_attention(q, k, v, mask, dropout_p, options.is_causal);
  }
  const Tensor merged = attended.transpose(1, 2).reshape({batch, queries, embed_dim});
  AttentionResult result{.output = linear(merged, w.out_proj_weight, w.out_proj_bias),
                         .weights = {}};
  if (weights.defined())
    result.weights = options.average_attn_weights ? weights.mean({1}) : weights;
  return result;
}

}  // namespace functional

AttentionResult MultiheadAttention::forward(const Tensor& query, const Tensor& key,
                                            const Tensor& value, const AttentionOptions& options) {
  const ModuleScope scope(*this);
  auto batch_major = [this](const Tensor& x) { return batch_first_ ? x : x.transpose(0, 1); };
  AttentionResult result =
      functional::multi_head_attention(batch_major(query), batch_major(key), batch_major(value),
                                       {in_proj_weight, q_proj_weight, k_proj_weight, v_proj_weight,
                                        in_proj_bias, out_proj->weight, out_proj->bias},
                                       num_heads_, options, is_training() ? dropout_ : 0);
  result.output = batch_major(result.output);
  return result;
}

std::string MultiheadAttention::extra_repr() const {
  return "embed_dim=" + std::to_string(embed_dim_) + ", num_heads=" + std::to_string(num_heads_) +
         ", dropout=" + std::to_string(dropout_) + (batch_first_ ? ", batch_first=true" : "");
}

}  // namespace kiln::nn
