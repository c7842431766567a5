#pragma once

// The functional forms of the layers (torch.nn.functional), built from differentiable ops.
#include <optional>

#include "tensor/random.h"
#include "tensor/tensor.h"

namespace kiln::nn::functional {

// x W^T + b, W [out, in], b [out] (optional).
Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias = {});
// x1^T A x2 + b per output feature: A [out, in1, in2], b [out].
Tensor bilinear(const Tensor& input1, const Tensor& input2, const Tensor& weight,
                const Tensor& bias = {});
// Rows of weight picked by indices; the row at padding_idx (if any) gets no gradient.
Tensor embedding(const Tensor& weight, const Tensor& indices,
                 std::optional<int64_t> padding_idx = std::nullopt);
// Zeroes each element with probability p and scales the rest by 1 / (1 - p) when active
// (Srivastava et al. 2014); the identity otherwise.
Tensor dropout(const Tensor& input, double p, bool active, Generator* generator = nullptr);
// x for x >= 0, slope * x below.
Tensor leaky_relu(const Tensor& input, double negative_slope = 0.01);
// log(1 + exp(beta x)) / beta, and x itself where beta x > threshold.
Tensor softplus(const Tensor& input, double beta = 1, double threshold = 20);
// x for x > 0, alpha (e^x - 1) below (Clevert et al. 2016).
Tensor elu(const Tensor& input, double alpha = 1);
// x for x > 0, alpha (e^(x / alpha) - 1) below (Barron 2017).
Tensor celu(const Tensor& input, double alpha = 1);
// x clamped to [min_val, max_val].
Tensor hardtanh(const Tensor& input, double min_val = -1, double max_val = 1);
// a sigmoid(b), with a and b the halves of input along dim (Dauphin et al. 2017).
Tensor glu(const Tensor& input, int64_t dim = -1);
// Normalises over the trailing `dims` dims: (x - mean) / sqrt(var + eps) * weight + bias.
Tensor layer_norm(const Tensor& input, int dims, const Tensor& weight, const Tensor& bias,
                  double eps = 1e-5);
// x / sqrt(mean(x^2) + eps) * weight over the trailing `dims` dims (Zhang & Sennrich
// 2019); eps defaults to the dtype's machine epsilon, as PyTorch's.
Tensor rms_norm(const Tensor& input, int dims, const Tensor& weight,
                std::optional<double> eps = std::nullopt);

}  // namespace kiln::nn::functional
