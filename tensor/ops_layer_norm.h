#pragma once

// layer_norm's backward kernel. The forward pass goes through the backends
// (tensor/backend.h, returning each row's mean and rstd = 1/sqrt(var + eps)); its gradients
// are one fused kernel per device. With xhat = (x - mean) rstd and gw = g * weight
// (Ba et al. 2016, "Layer normalization"):
//   dx = rstd (gw - mean(gw) - xhat mean(gw xhat)),  dweight = sum g xhat,  dbias = sum g
// the sums running over the rows.
#include "tensor/dispatch.h"
#include "tensor/tensor.h"

namespace kiln {

// dweight and dbias are summed by the kernels in blocks of this many rows, [blocks, features]
// partial sums that the front end adds in block order: the same bits at any thread count.
inline constexpr int64_t kLayerNormPartialRows = 64;

// grad and x are contiguous [rows, features] of one floating dtype, weight [features] or
// undefined, mean and rstd [rows]. Each output is undefined when not wanted: dx [rows,
// features], dweight_partials and dbias_partials [blocks, features].
using LayerNormBackwardKernel = void(const Tensor& dx, const Tensor& dweight_partials,
                                     const Tensor& dbias_partials, const Tensor& grad,
                                     const Tensor& x, const Tensor& weight, const Tensor& mean,
                                     const Tensor& rstd);
KILN_DECLARE_KERNEL(layer_norm_backward_kernel, LayerNormBackwardKernel);

namespace raw {
struct LayerNormGrads {
  Tensor dx, dweight, dbias;
};
// The gradients of layer_norm over x's last dim from the gradient `grad` of its output, given
// the forward pass's mean and rstd; each computed only where its flag asks.
LayerNormGrads layer_norm_backward(const Tensor& grad, const Tensor& x, const Tensor& weight,
                                   const Tensor& mean, const Tensor& rstd, bool want_dx,
                                   bool want_dweight, bool want_dbias);
}  // namespace raw

}  // namespace kiln
