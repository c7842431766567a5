#pragma once

// Fused scaled-dot-product attention, softmax(q k^T scale [+ causal mask]) v, on backends
// that have it (CUDA): tiled so that the L x S scores are never stored, with the backward
// pass recomputing them from the rows' logsumexp (Dao, "FlashAttention-2", 2023). Used by
// autograd's scaled_dot_product_attention when there is no other mask and no dropout.
#include <optional>

#include "tensor/tensor.h"

namespace kiln::raw {

struct FusedAttention {
  Tensor out;        // [..., L, Ev]
  Tensor logsumexp;  // [..., L]: log sum_j exp(s_ij) per query row
};

// q [..., L, E], k [..., S, E], v [..., S, Ev] with equal batch dims. nullopt when the
// device has no fused kernel.
std::optional<FusedAttention> fused_attention_forward(const Tensor& q, const Tensor& k,
                                                      const Tensor& v, double scale, bool causal);

struct FusedAttentionGrads {
  Tensor dq, dk, dv;
};

// The gradients from d_out and the forward's result.
FusedAttentionGrads fused_attention_backward(const Tensor& d_out, const Tensor& q, const Tensor& k,
                                             const Tensor& v, const FusedAttention& forward,
                                             double scale, bool causal);

}  // namespace kiln::raw
