#include "nn/functional.h"

#include <limits>

#include "autograd/functions.h"
#include "nn/norm_base.h"
#include "tensor/creation.h"

namespace kiln::nn::functional {

Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias) {
  KILN_CHECK(weight.dim() == 2, "linear: weight must be 2-D [out, in], got shape ", weight.shape());
  KILN_CHECK(input.dim() >= 1 && input.size(-1) == weight.size(1), "linear: input of shape ",
             input.shape(), " does not end in the weight's in_features ", weight.size(1));
  const Tensor product = input.matmul(weight.t());
  return bias.defined() ? product + bias : product;
}

Tensor bilinear(const Tensor& input1, const Tensor& input2, const Tensor& weight,
                const Tensor& bias) {
  KILN_CHECK(
      weight.dim() == 3 && input1.size(-1) == weight.size(1) && input2.size(-1) == weight.size(2),
      "bilinear: weight of shape ", weight.shape(), " does not fit inputs of shapes ",
      input1.shape(), " and ", input2.shape());
  // y[..., o] = sum_ij x1[..., i] A[o, i, j] x2[..., j]
  const Tensor left = input1.unsqueeze(-2).unsqueeze(-2).matmul(weight);  // [..., out, 1, in2]
  const Tensor out = left.matmul(input2.unsqueeze(-2).unsqueeze(-1)).squeeze(-1).squeeze(-1);
  return bias.defined() ? out + bias : out;
}

Tensor embedding(const Tensor& weight, const Tensor& indices, std::optional<int64_t> padding_idx) {
  if (!padding_idx) return kiln::embedding(weight, indices);
  const int64_t rows = weight.dim() > 0 ? weight.size(0) : 0;
  KILN_CHECK(*padding_idx >= -rows && *padding_idx < rows, "embedding: padding_idx ", *padding_idx,
             " is out of range for ", rows, " embeddings");
  if (*padding_idx < 0) padding_idx = *padding_idx + rows;
  // Looking the padding row up from a detached copy keeps its gradient at zero.
  const Tensor padding = eq(indices, *padding_idx).unsqueeze(-1);
  return where(padding, kiln::embedding(weight.detach(), indices),
               kiln::embedding(weight, indices));
}

Tensor dropout(const Tensor& input, double p, bool active, Generator* generator) {
  KILN_CHECK(p >= 0 && p <= 1, "dropout: p must be in [0, 1], got ", p);
  if (!active || p == 0) return input;
  if (p == 1) return input * 0;
  // The mask is drawn in float32 whatever the input's dtype, so a seed gives one mask.
  const Tensor keep =
      ge(rand(input.shape(), {.dtype = kFloat32, .device = input.device()}, generator), p)
          .to(input.dtype());
  return input * (keep / (1 - p));
}

namespace {
Dims trailing(const Tensor& input, int dims, const char* op) {
  KILN_CHECK(dims >= 1 && dims <= input.dim(), op, ": cannot normalise the last ", dims,
             " dims of a tensor of shape ", input.shape());
  Dims out;
  for (int d = input.dim() - dims; d < input.dim(); ++d) out.push_back(d);
  return out;
}
}  // namespace

Tensor layer_norm(const Tensor& input, int dims, const Tensor& weight, const Tensor& bias,
                  double eps) {
  trailing(input, dims, "layer_norm");
  if (dims == 1) return kiln::layer_norm(input, weight, bias, eps);
  // The fused op normalises one dim: flatten the trailing ones into it.
  const Shape shape = input.shape();
  const Tensor flat = input.flatten(input.dim() - dims, -1);
  return kiln::layer_norm(flat, weight.defined() ? weight.reshape({-1}) : weight,
                          bias.defined() ? bias.reshape({-1}) : bias, eps)
      .view(shape);
}

Tensor rms_norm(const Tensor& input, int dims, const Tensor& weight, std::optional<double> eps) {
  const Dims over = trailing(input, dims, "rms_norm");
  const double epsilon =
      eps.value_or(input.dtype() == kFloat64 ? std::numeric_limits<double>::epsilon()
                                             : std::numeric_limits<float>::epsilon());
  const Tensor normalised = input * rsqrt(square(input).mean(over, true) + epsilon);
  return weight.defined() ? normalised * weight : normalised;
}

namespace {
// [C] viewed to broadcast over input [N, C, *].
Tensor per_channel(const Tensor& values, const Tensor& input) {
  Shape shape = Shape::filled(input.dim(), 1);
  shape[1] = values.numel();
  return values.view(shape);
}

Tensor affine(const Tensor& normalised, const Tensor& weight, const Tensor& bias) {
  Tensor out = normalised;
  if (weight.defined()) out = out * per_channel(weight, normalised);
  if (bias.defined()) out = out + per_channel(bias, normalised);
  return out;
}

void check_channels(const char* op, const Tensor& input, const Tensor& values, const char* what) {
  KILN_CHECK(!values.defined() || (values.dim() == 1 && values.numel() == input.size(1)), op, ": ",
             what, " of shape ", values.shape(), " does not match the input's ", input.size(1),
             " channels");
}
}  // namespace

Tensor group_norm(const Tensor& input, int64_t num_groups, const Tensor& weight, const Tensor& bias,
                  double eps) {
  KILN_CHECK(input.dim() >= 2, "group_norm: expected an input [N, C, *], got shape ",
             input.shape());
  KILN_CHECK(num_groups > 0 && input.size(1) % num_groups == 0, "group_norm: ", input.size(1),
             " channels do not split into ", num_groups, " groups");
  check_channels("group_norm", input, weight, "weight");
  check_channels("group_norm", input, bias, "bias");
  // Each group's values, flattened, through the fused layer_norm.
  int64_t per_group = input.size(1) / num_groups;
  for (int d = 2; d < input.dim(); ++d) per_group *= input.size(d);
  const Tensor grouped = input.reshape({input.size(0), num_groups, per_group});
  const Tensor normalised = kiln::layer_norm(grouped, {}, {}, eps).view(input.shape());
  return affine(normalised, weight, bias);
}

Tensor instance_norm(const Tensor& input, const InstanceNormOptions& options) {
  KILN_CHECK(input.dim() >= 3, "instance_norm: expected an input [N, C, *], got shape ",
             input.shape());
  const auto& [running_mean, running_var, weight, bias, use_input_stats, momentum, eps] = options;
  KILN_CHECK(running_mean.defined() == running_var.defined(),
             "instance_norm: give both running_mean and running_var, or neither");
  for (const auto& [values, what] : {std::pair{running_mean, "running_mean"},
                                     {running_var, "running_var"},
                                     {weight, "weight"},
                                     {bias, "bias"}}) {
    check_channels("instance_norm", input, values, what);
  }
  if (!use_input_stats) {
    KILN_CHECK(running_mean.defined(),
               "instance_norm: use_input_stats=false needs running_mean and running_var");
    const Tensor normalised =
        (input - per_channel(running_mean, input)) * rsqrt(per_channel(running_var, input) + eps);
    return affine(normalised, weight, bias);
  }
  const Tensor rows = input.flatten(2);
  const int64_t count = rows.size(2);
  KILN_CHECK(count > 1, "instance_norm: expected more than one position per channel, got shape ",
             input.shape());
  if (running_mean.defined()) {
    update_running_stats(running_mean, running_var, rows.mean({2}).mean({0}),
                         rows.var({2}, true).mean({0}), momentum);
  }
  const Tensor normalised = kiln::layer_norm(rows, {}, {}, eps).view(input.shape());
  return affine(normalised, weight, bias);
}

}  // namespace kiln::nn::functional
