#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "tensor/random.h"
#include "tensor/tensor.h"

// The public ops: the raw ops of tensor/ops.h made differentiable. Each records its
// backward formula (written in these same ops, so it runs on every device and can itself
// be differentiated) when grad mode is on and an input requires grad; otherwise it is the
// raw op. Integer and bool results (comparisons, argmax, indices) never require grad.
namespace kiln {

#include "tensor/op_declarations.inc"

// softmax(q k^T scale + mask) v (Vaswani et al. 2017, eq. 1), one fused op with its own
// backward. query [..., L, E], key [..., S, E], value [..., S, Ev] -> [..., L, Ev]. attn_mask
// broadcasts to [..., L, S]: bool (true = may attend) or floating (added to the scores, and
// differentiated like them).
// is_causal masks key positions after the query's. scale defaults to 1/sqrt(E). Dropout
// with probability dropout_p drops attention weights (mask drawn from `generator`).
Tensor scaled_dot_product_attention(const Tensor& query, const Tensor& key, const Tensor& value,
                                    const Tensor& attn_mask = {}, double dropout_p = 0,
                                    bool is_causal = false,
                                    std::optional<double> scale = std::nullopt,
                                    Generator* generator = nullptr);

// -(t log p + (1 - t) log(1 - p)) per element, logs clamped at -100; with PyTorch's
// gradients, (p - t) / max(p (1 - p), 1e-12) in p (finite at p = 0 and 1) and -logit(p)
// in t. nn's binary_cross_entropy adds class weights and the reduction.
Tensor binary_cross_entropy_elementwise(const Tensor& p, const Tensor& t);

}  // namespace kiln
