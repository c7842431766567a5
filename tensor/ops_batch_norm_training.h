#pragma once

// Batch normalisation with the batch's own statistics (Ioffe and Szegedy 2015), as
// BatchNorm computes it in training. Per channel c of x [N, C, ...], over its M values:
//   mean_c = E[x],  var_c = E[(x - mean_c)^2] (biased),  rstd_c = 1 / sqrt(var_c + eps),
//   y = (x - mean_c) rstd_c w_c + b_c
// and its backward, with xhat = (x - mean_c) rstd_c:
//   dx = w_c rstd_c (g - mean(g) - xhat mean(g xhat)),  dw_c = sum(g xhat),  db_c = sum(g).
// The kernels see x in memory as [outer, C, inner] and reduce over outer and inner: a
// contiguous [N, C, L] is outer N, inner L; a channels-last one (a transposed view of a
// contiguous [N, L, C], as PatchTST's and the attention model's layers hand it over) is
// outer N L, inner 1, and is read in place.
#include "tensor/dispatch.h"
#include "tensor/tensor.h"

namespace kiln {

struct BatchNormExtents {
  int64_t outer = 1, channels = 1, inner = 1;
};

// out is laid out as x; mean, var and rstd are [C]; weight and bias [C] or undefined.
using BatchNormTrainingKernel = void(const Tensor& out, const Tensor& mean, const Tensor& var,
                                     const Tensor& rstd, const Tensor& x, const Tensor& weight,
                                     const Tensor& bias, BatchNormExtents extents, double eps);
KILN_DECLARE_KERNEL(batch_norm_training_kernel, BatchNormTrainingKernel);

// grad and grad_x are laid out as x; grad_weight and grad_bias are [C]. An undefined output
// is not computed.
using BatchNormTrainingBackwardKernel = void(const Tensor& grad_x, const Tensor& grad_weight,
                                             const Tensor& grad_bias, const Tensor& grad,
                                             const Tensor& x, const Tensor& mean,
                                             const Tensor& rstd, const Tensor& weight,
                                             BatchNormExtents extents);
KILN_DECLARE_KERNEL(batch_norm_training_backward_kernel, BatchNormTrainingBackwardKernel);

namespace raw {

struct BatchNormTrainingResult {
  Tensor output, mean, var, rstd;
};
// x [N, C, ...] (at least 2-D, at least two values per channel); weight and bias [C] or
// undefined.
BatchNormTrainingResult batch_norm_training(const Tensor& x, const Tensor& weight,
                                            const Tensor& bias, double eps);

struct BatchNormTrainingGrads {
  Tensor x, weight, bias;
};
// The gradients the flags ask for, from the gradient of the output and the forward pass's
// input and statistics.
BatchNormTrainingGrads batch_norm_training_backward(const Tensor& grad, const Tensor& x,
                                                    const Tensor& mean, const Tensor& rstd,
                                                    const Tensor& weight, bool x_grad,
                                                    bool weight_grad, bool bias_grad);

}  // namespace raw

// Differentiable (autograd/ops_batch_norm_training.cpp): the normalised output, and the
// batch's mean and biased variance [C] for running statistics, which carry no gradient.
struct BatchNormTraining {
  Tensor output, mean, var;
};
BatchNormTraining batch_norm_training(const Tensor& x, const Tensor& weight, const Tensor& bias,
                                      double eps);

}  // namespace kiln
