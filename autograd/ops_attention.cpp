// scaled_dot_product_attention: one node for the whole of softmax(q k^T scale + mask) v.
// With S the scores, P = softmax(S) (after dropout D: P' = P * D / (1 - p)), O = P' v:
//   dv = P'^T dO,  dP = (dO v^T) * D / (1 - p),  dS = P * (dP - sum(dP * P)),
//   dq = dS k scale,  dk = dS^T q scale,  d(float mask) = dS (summed over broadcast dims).
// P is kept from the forward pass; when the backward pass is itself recorded, P is
// recomputed from q, k and the mask with differentiable ops, since it depends on them.
// Without mask and dropout, devices with fused kernels run tensor/ops_attention.h.
#include <cmath>
#include <limits>
#include <optional>

#include "autograd/op_definition.h"
#include "tensor/ops_attention.h"
#include "tensor/ops_softmax.h"

namespace kiln {

namespace {

// The mask as an additive float tensor (-inf where attending is not allowed), or undefined.
// A float attn_mask enters through differentiable ops, so that recomputing the scores in a
// recorded backward pass connects them to it.
Tensor additive_mask(const Tensor& attn_mask, bool is_causal, int64_t queries, int64_t keys,
                     DType dtype, Device device) {
  constexpr double kNegativeInfinity = -std::numeric_limits<double>::infinity();
  Tensor mask;
  if (attn_mask.defined()) {
    mask = attn_mask.dtype() == kBool
               ? raw::masked_fill(zeros(attn_mask.shape(), {.dtype = dtype, .device = device}),
                                  raw::logical_not(attn_mask), kNegativeInfinity)
               : attn_mask.to(dtype);
  }
  if (is_causal) {
    const Tensor causal = raw::masked_fill(
        zeros({queries, keys}, {.dtype = dtype, .device = device}),
        raw::logical_not(raw::tril(ones({queries, keys}, {.dtype = kBool, .device = device}))),
        kNegativeInfinity);
    mask = mask.defined() ? mask + causal : causal;
  }
  return mask;
}

Tensor scores(const Tensor& query, const Tensor& key, double scale, const Tensor& mask) {
  const Tensor s = query.matmul(key.transpose(-1, -2)) * scale;
  return mask.defined() ? s + mask : s;
}

// The input gradients from the attention weights p (before dropout; `kept` is the scaled
// dropout mask or undefined) and the output gradient.
Grads attention_grads(const BackwardContext& ctx, const Tensor& p, const Tensor& kept,
                      const Tensor& query, const Tensor& key, const Tensor& value, double factor) {
  const Tensor p_dropped = kept.defined() ? p * kept : p;
  const Tensor& d_out = ctx.grad();
  Tensor d_value;
  if (ctx.needs_grad(2)) d_value = p_dropped.transpose(-1, -2).matmul(d_out);
  if (!ctx.needs_grad(0) && !ctx.needs_grad(1) && !ctx.needs_grad(3))
    return {Tensor(), Tensor(), d_value, Tensor()};
  Tensor d_p = d_out.matmul(value.transpose(-1, -2));
  if (kept.defined()) d_p = d_p * kept;
  // softmax's backward pass: its fused kernel unless this pass is itself recorded.
  const Tensor d_scores = GradMode::is_enabled() ? p * (d_p - (d_p * p).sum({-1}, true))
                                                 : raw::softmax_backward(d_p, p, -1, false);
  const Tensor d_scaled = d_scores * factor;
  return {ctx.needs_grad(0) ? d_scaled.matmul(key) : Tensor(),
          ctx.needs_grad(1) ? d_scaled.transpose(-1, -2).matmul(query) : Tensor(), d_value,
          ctx.needs_grad(3) ? d_scores : Tensor()};
}

// The weights recomputed with differentiable ops, for a recorded backward pass.
Tensor recomputed_weights(const Tensor& query, const Tensor& key, const Tensor& attn_mask,
                          double factor, bool is_causal) {
  return softmax(scores(query, key, factor,
                        additive_mask(attn_mask, is_causal, query.size(-2), key.size(-2),
                                      query.dtype(), query.device())),
                 -1);
}

// Without a mask or dropout, a device with fused kernels (CUDA) runs the op tiled: the
// weights are never stored, and the backward pass recomputes them from the logsumexp.
std::optional<Tensor> fused_attention(const Tensor& query, const Tensor& key, const Tensor& value,
                                      double factor, bool is_causal) {
  std::optional<raw::FusedAttention> fused;
  {
    NoGradGuard no_grad;
    fused = raw::fused_attention_forward(query, key, value, factor, is_causal);
  }
  if (!fused) return std::nullopt;
  if (!any_requires_grad(query, key, value)) return fused->out;
  // The output is saved as the node's result, so that changing it in place is caught.
  return record(
      Op::scaled_dot_product_attention, std::move(fused->out), {query, key, value, Tensor()},
      [q = SavedTensor(query), k = SavedTensor(key), v = SavedTensor(value),
       logsumexp = fused->logsumexp, factor, is_causal](const BackwardContext& ctx) -> Grads {
        if (GradMode::is_enabled()) {
          const Tensor p = recomputed_weights(q.get(), k.get(), {}, factor, is_causal);
          return attention_grads(ctx, p, {}, q.get(), k.get(), v.get(), factor);
        }
        const raw::FusedAttentionGrads grads = raw::fused_attention_backward(
            ctx.grad(), q.get(), k.get(), v.get(), {ctx.result(), logsumexp}, factor, is_causal);
        return {grads.dq, grads.dk, grads.dv, Tensor()};
      },
      Save::Result);
}

}  // namespace

namespace {
// Key and value heads repeated so that each serves its group of query heads.
std::pair<Tensor, Tensor> grouped_key_value(const Tensor& query, const Tensor& key,
                                            const Tensor& value) {
  KILN_CHECK(query.dim() >= 3 && key.dim() >= 3 && value.dim() >= 3,
             "scaled_dot_product_attention: enable_gqa needs a heads dim, [..., H, L, E]; got "
             "query ",
             query.shape(), ", key ", key.shape(), ", value ", value.shape());
  const int64_t heads = query.size(-3), key_heads = key.size(-3), value_heads = value.size(-3);
  KILN_CHECK(key_heads > 0 && value_heads > 0 && heads % key_heads == 0 && heads % value_heads == 0,
             "scaled_dot_product_attention: key and value heads (", key_heads, ", ", value_heads,
             ") must each divide the query's ", heads, " heads");
  return {repeat_interleave(key, heads / key_heads, -3),
          repeat_interleave(value, heads / value_heads, -3)};
}
}  // namespace

Tensor scaled_dot_product_attention(const Tensor& query, const Tensor& key, const Tensor& value,
                                    const Tensor& attn_mask, double dropout_p, bool is_causal,
                                    std::optional<double> scale, Generator* generator,
                                    bool enable_gqa) {
  if (enable_gqa) {
    const auto [shared_key, shared_value] = grouped_key_value(query, key, value);
    return scaled_dot_product_attention(query, shared_key, shared_value, attn_mask, dropout_p,
                                        is_causal, scale, generator);
  }
  KILN_CHECK(query.dim() >= 2 && key.dim() >= 2 && value.dim() >= 2 &&
                 query.size(-1) == key.size(-1) && key.size(-2) == value.size(-2),
             "scaled_dot_product_attention: query ", query.shape(), ", key ", key.shape(),
             " and value ", value.shape(), " do not fit [..., L, E], [..., S, E], [..., S, Ev]");
  KILN_CHECK(dropout_p >= 0 && dropout_p < 1, "scaled_dot_product_attention: dropout_p must be in ",
             "[0, 1), got ", dropout_p);
  KILN_CHECK(
      attn_mask.defined() == false || attn_mask.dtype() == kBool || is_floating(attn_mask.dtype()),
      "scaled_dot_product_attention: attn_mask must be bool or floating");
  const double factor = scale.value_or(1 / std::sqrt(static_cast<double>(query.size(-1))));
  if (dropout_p == 0 && !attn_mask.defined()) {
    if (std::optional<Tensor> fused = fused_attention(query, key, value, factor, is_causal)) {
      return *fused;
    }
  }
  Tensor mask;
  Tensor weights;
  Tensor kept;  // the dropout mask scaled by 1 / (1 - p), or undefined
  {
    NoGradGuard no_grad;
    mask = additive_mask(attn_mask, is_causal, query.size(-2), key.size(-2), query.dtype(),
                         query.device());
    weights = raw::softmax(scores(query, key, factor, mask), -1);
    if (dropout_p > 0) {
      kept =
          raw::div(raw::to(raw::ge(rand(weights.shape(),
                                        {.dtype = kFloat32, .device = weights.device()}, generator),
                                   dropout_p),
                           weights.dtype()),
                   1 - dropout_p);
    }
  }
  const Tensor dropped = kept.defined() ? raw::mul(weights, kept) : weights;
  Tensor output = raw::matmul(dropped, value);
  // Only a float mask has a gradient; a bool mask is not an input of the node.
  const Tensor float_mask =
      attn_mask.defined() && attn_mask.dtype() != kBool ? attn_mask : Tensor();
  if (!any_requires_grad(query, key, value, float_mask)) return output;
  return record(
      Op::scaled_dot_product_attention, std::move(output), {query, key, value, float_mask},
      [q = SavedTensor(query), k = SavedTensor(key), v = SavedTensor(value),
       m = SavedTensor(attn_mask), weights, kept, factor,
       is_causal](const BackwardContext& ctx) -> Grads {
        const Tensor p = GradMode::is_enabled()
                             ? recomputed_weights(q.get(), k.get(), m.get(), factor, is_causal)
                             : weights;
        return attention_grads(ctx, p, kept, q.get(), k.get(), v.get(), factor);
      });
}

}  // namespace kiln
