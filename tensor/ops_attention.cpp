#include "tensor/ops_attention.h"

#include "tensor/op_support.h"
#include "tensor/ops.h"

namespace kiln::raw {

namespace {

// The leading `count` dims of `shape`.
Shape leading(const Shape& shape, int count) {
  return Shape(shape.span().first(static_cast<size_t>(count)));
}

// [..., R, C] as a contiguous [B, R, C].
Tensor batched(const Tensor& x) {
  return reshape(contiguous(x), {-1, x.size(-2), x.size(-1)});
}

}  // namespace

std::optional<FusedAttention> fused_attention_forward(const Tensor& q, const Tensor& k,
                                                      const Tensor& v, double scale, bool causal) {
  Backend& backend = detail::backend_of(q);
  if (!backend.has_fused_attention() || k.device() != q.device() || v.device() != q.device() ||
      k.dtype() != q.dtype() || v.dtype() != q.dtype() || !is_floating(q.dtype())) {
    return std::nullopt;  // composed, which also reports mixed devices and dtypes
  }
  const Shape batch = leading(q.shape(), q.dim() - 2);
  if (k.dim() != q.dim() || v.dim() != q.dim() || leading(k.shape(), k.dim() - 2) != batch ||
      leading(v.shape(), v.dim() - 2) != batch || q.numel() == 0 || k.numel() == 0) {
    return std::nullopt;
  }
  const Tensor qb = batched(q), kb = batched(k), vb = batched(v);
  Shape out_shape = v.shape();
  out_shape[out_shape.size() - 2] = q.size(-2);
  Tensor out = make_tensor({qb.size(0), q.size(-2), v.size(-1)}, q.dtype(), q.device(),
                           "scaled_dot_product_attention");
  Tensor logsumexp =
      make_tensor({qb.size(0), q.size(-2)}, q.dtype(), q.device(), "scaled_dot_product_attention");
  if (!backend.attention_forward(out, logsumexp, qb, kb, vb, scale, causal)) {
    return std::nullopt;
  }
  return FusedAttention{reshape(out, out_shape),
                        reshape(logsumexp, leading(q.shape(), q.dim() - 1))};
}

FusedAttentionGrads fused_attention_backward(const Tensor& d_out, const Tensor& q, const Tensor& k,
                                             const Tensor& v, const FusedAttention& forward,
                                             double scale, bool causal) {
  const Tensor qb = batched(q), kb = batched(k), vb = batched(v);
  Tensor dq = make_tensor(qb.shape(), q.dtype(), q.device(), "scaled_dot_product_attention");
  Tensor dk = make_tensor(kb.shape(), k.dtype(), k.device(), "scaled_dot_product_attention");
  Tensor dv = make_tensor(vb.shape(), v.dtype(), v.device(), "scaled_dot_product_attention");
  const Tensor d_out_b = batched(d_out);
  // D_i = dO_i . O_i, which both backward kernels read.
  const Tensor delta = contiguous(sum(mul(d_out_b, batched(forward.out)), {-1}, false));
  const bool ran = detail::backend_of(q).attention_backward(
      dq, dk, dv, d_out_b, qb, kb, vb,
      reshape(contiguous(forward.logsumexp), {qb.size(0), q.size(-2)}), delta, scale, causal);
  KILN_CHECK(ran, "scaled_dot_product_attention: ", q.device(),
             " ran the fused forward pass but has no fused backward pass");
  return {reshape(dq, q.shape()), reshape(dk, k.shape()), reshape(dv, v.shape())};
}

}  // namespace kiln::raw
