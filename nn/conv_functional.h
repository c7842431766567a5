#pragma once

// Convolutions and pooling over 1 or 2 trailing spatial dims, built from differentiable
// ops: padding (nn/padding.h), windows by unfold (im2col), and one batched GEMM per group.
#include <optional>
#include <utility>
#include <vector>

#include "nn/padding.h"
#include "tensor/tensor.h"

namespace kiln::nn::functional {

// Per spatial dim. Explicit padding is symmetric (left = right = padding); Same pads so
// that the output has the input's size at stride 1 (the extra element on the right, as
// PyTorch); Causal pads dilation * (kernel - 1) on the left only, so output t sees inputs
// up to t (WaveNet, van den Oord et al. 2016).
enum class PaddingMode { Explicit, Same, Valid, Causal };

struct ConvOptions {
  std::vector<int64_t> stride = {1};
  std::vector<int64_t> padding = {0};
  std::vector<int64_t> dilation = {1};
  int64_t groups = 1;
  PaddingMode mode = PaddingMode::Explicit;
  // What the padding holds: zeros (Constant), or the input reflected, replicated or
  // wrapped around (PyTorch's Conv padding_mode "zeros", "reflect", "replicate", "circular").
  PadMode padding_mode = PadMode::Constant;
};

// input [N, C_in, *spatial], weight [C_out, C_in / groups, *kernel], bias [C_out].
// Single-value option lists apply to every spatial dim.
Tensor conv(const Tensor& input, const Tensor& weight, const Tensor& bias,
            const ConvOptions& options = {});

struct ConvTransposeOptions {
  std::vector<int64_t> stride = {1};
  std::vector<int64_t> padding = {0};
  std::vector<int64_t> output_padding = {0};
  std::vector<int64_t> dilation = {1};
  int64_t groups = 1;
};

// The gradient of conv with respect to its input, as a layer: weight [C_in, C_out / groups,
// *kernel]. Output size (L - 1) stride - 2 padding + dilation (k - 1) + output_padding + 1.
Tensor conv_transpose(const Tensor& input, const Tensor& weight, const Tensor& bias,
                      const ConvTransposeOptions& options = {});

struct PoolOptions {
  std::vector<int64_t> kernel;
  std::vector<int64_t> stride = {};  // default: the kernel
  std::vector<int64_t> padding = {0};
  std::vector<int64_t> dilation = {1};
  bool ceil_mode = false;
  bool count_include_pad = true;  // avg_pool
  // avg_pool: every window's sum is divided by this instead of its element count. PyTorch has
  // it for avg_pool2d (and 3d) only; here it applies to 1-d pooling as well.
  std::optional<int64_t> divisor_override = std::nullopt;
};

// Over the trailing kernel.size() dims of [N, C, *spatial] (or [C, *spatial]).
Tensor max_pool(const Tensor& input, const PoolOptions& options);
// max_pool's values and, as int64, where each came from: its index into the flattened
// spatial dims of its input plane (h W + w in 2-d), as PyTorch's return_indices. Ties go to
// the window's first maximum in row-major window order.
std::pair<Tensor, Tensor> max_pool_with_indices(const Tensor& input, const PoolOptions& options);
Tensor avg_pool(const Tensor& input, const PoolOptions& options);
// Averages over regions [floor(i L / out), ceil((i + 1) L / out)) of each spatial dim.
Tensor adaptive_avg_pool(const Tensor& input, const std::vector<int64_t>& output_size);

struct UnpoolOptions {
  std::vector<int64_t> kernel;
  std::vector<int64_t> stride = {};  // default: the kernel
  std::vector<int64_t> padding = {0};
  // The spatial sizes (or [N, C, *spatial], whose first two are ignored, as PyTorch); each
  // within stride of the default (L - 1) stride - 2 padding + kernel, exclusive. Empty: the
  // default.
  std::vector<int64_t> output_size = {};
};

// The inverse of max_pool_with_indices: zeros of the output size with each input value
// written at its index into its plane (F.max_unpool1d/2d). input and indices have one shape,
// [N, C, *spatial] or [C, *spatial]. A repeated index keeps the last value written on the
// CPU, one of them on CUDA (as PyTorch); each value still gets the output gradient gathered
// at its index.
Tensor max_unpool(const Tensor& input, const Tensor& indices, const UnpoolOptions& options);

}  // namespace kiln::nn::functional
