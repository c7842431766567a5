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
// Rows of weight picked by indices; the row at padding_idx (if any; negative counts from the
// end, as PyTorch's) gets no gradient.
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
// min(max(x, 0), 6), hardtanh's gradient.
Tensor relu6(const Tensor& input);
// softmax(-x) along dim.
Tensor softmin(const Tensor& input, int64_t dim);
// x where |x| > lambd, 0 elsewhere.
Tensor hardshrink(const Tensor& input, double lambd = 0.5);
// x - lambd above lambd, x + lambd below -lambd, 0 between.
Tensor softshrink(const Tensor& input, double lambd = 0.5);
// x - tanh(x).
Tensor tanhshrink(const Tensor& input);
// x where x > threshold, value elsewhere.
Tensor threshold(const Tensor& input, double threshold, double value);
// x / max(|x|_p, eps) along dim.
Tensor normalize(const Tensor& input, double p = 2, int64_t dim = 1, double eps = 1e-12);
// x where x > 0, weight x elsewhere (He et al. 2015); weight has 1 element or one per
// channel (dim 1).
Tensor prelu(const Tensor& input, const Tensor& weight);
// Normalises over the trailing `dims` dims: (x - mean) / sqrt(var + eps) * weight + bias.
Tensor layer_norm(const Tensor& input, int dims, const Tensor& weight, const Tensor& bias,
                  double eps = 1e-5);
// x / sqrt(mean(x^2) + eps) * weight over the trailing `dims` dims (Zhang & Sennrich
// 2019); eps defaults to the dtype's machine epsilon, as PyTorch's.
Tensor rms_norm(const Tensor& input, int dims, const Tensor& weight,
                std::optional<double> eps = std::nullopt);

// Normalises each group of num_groups channels of input [N, C, *] over its channels and
// positions, then an affine weight and bias per channel (Wu & He 2018).
Tensor group_norm(const Tensor& input, int64_t num_groups, const Tensor& weight = {},
                  const Tensor& bias = {}, double eps = 1e-5);
// Normalises each channel of each sample of input [N, C, *] over its positions (Ulyanov et
// al. 2016), or with the running statistics when use_input_stats is false. In training
// with running statistics, they move by momentum towards the batch's mean of the instances'
// means and unbiased variances, as PyTorch's.
struct InstanceNormOptions {
  Tensor running_mean = {}, running_var = {}, weight = {}, bias = {};
  bool use_input_stats = true;
  double momentum = 0.1;
  double eps = 1e-5;
};
Tensor instance_norm(const Tensor& input, const InstanceNormOptions& options = {});

}  // namespace kiln::nn::functional
