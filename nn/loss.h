#pragma once

// Losses, as torch.nn.functional's: same formulas, options and reductions.
#include <optional>

#include "tensor/tensor.h"

namespace kiln::nn {

// BatchMean (kl_div only) sums and divides by the batch size (dim 0).
enum class Reduction { None, Mean, Sum, BatchMean };

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
// 0.5 d^2 / beta where |d| < beta, |d| - beta / 2 elsewhere (d = input - target).
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target,
                      Reduction reduction = Reduction::Mean, double beta = 1);
// 0.5 d^2 where |d| <= delta, delta (|d| - delta / 2) elsewhere.
Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean,
                  double delta = 1);

struct CrossEntropyOptions {
  Tensor weight = {};  // [C], optional
  int64_t ignore_index = -100;
  Reduction reduction = Reduction::Mean;
  double label_smoothing = 0;
};
// input: logits [N, C] or [N, C, d1, ...] (or [C]); target: class indices (int64,
// [N, d1, ...]) or probabilities (input's shape). With indices, the mean divides by the
// summed weights of the targets that are not ignored.
Tensor cross_entropy(const Tensor& input, const Tensor& target,
                     const CrossEntropyOptions& options = {});
// input: log-probabilities; target: class indices. -weight[y] * input[y], same reductions.
Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight = {},
                int64_t ignore_index = -100, Reduction reduction = Reduction::Mean);
// -weight (t log p + (1 - t) log(1 - p)), each log clamped at -100 as PyTorch does.
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight = {},
                            Reduction reduction = Reduction::Mean);
// The same on logits, computed stably; pos_weight scales the positive term per class.
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const Tensor& weight = {}, const Tensor& pos_weight = {},
                                        Reduction reduction = Reduction::Mean);
// input: log-probabilities; target: probabilities (or log-probabilities with log_target).
// Pointwise target (log target - input), 0 where target is 0.
Tensor kl_div(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean,
              bool log_target = false);
// 0.5 (log var + (input - target)^2 / var) (+ 0.5 log 2 pi when full), var clamped below
// at eps in the forward pass only, as PyTorch does. var has input's shape, or one dim
// fewer, or a last dim of 1.
Tensor gaussian_nll_loss(const Tensor& input, const Tensor& target, const Tensor& var,
                         bool full = false, double eps = 1e-6,
                         Reduction reduction = Reduction::Mean);

}  // namespace kiln::nn
