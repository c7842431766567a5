// Front end of layer_norm and its backward kernel (fused kernels, tensor/cpu/layer_norm.cpp,
// tensor/cuda/layer_norm.cu).
#include "tensor/ops_layer_norm.h"

#include "tensor/op_support.h"
#include "tensor/ops.h"

namespace kiln {
KILN_DEFINE_KERNEL(layer_norm_backward_kernel, LayerNormBackwardKernel);
}  // namespace kiln

namespace kiln::raw {

Tensor layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps) {
  return layer_norm_with_stats(x, weight, bias, eps).output;
}

LayerNormResult layer_norm_with_stats(const Tensor& x, const Tensor& weight, const Tensor& bias,
                                      double eps) {
  detail::check_floating("layer_norm", x);
  KILN_CHECK(x.dim() >= 1, "layer_norm: expects at least one dim, got a 0-dim tensor");
  KILN_CHECK(eps >= 0, "layer_norm: eps must be non-negative, got ", eps);
  const int64_t features = x.size(-1);
  for (const Tensor* parameter : {&weight, &bias}) {
    if (!parameter->defined()) continue;
    const char* role = parameter == &weight ? "weight" : "bias";
    detail::check_same_device("layer_norm", x, *parameter);
    KILN_CHECK(parameter->shape() == Shape{features}, "layer_norm: ", role, " of shape ",
               parameter->shape(), " does not match the normalised dim of size ", features,
               " (input shape ", x.shape(), ")");
    KILN_CHECK(parameter->dtype() == x.dtype(), "layer_norm: ", role, " dtype ", parameter->dtype(),
               " differs from the input's ", x.dtype());
  }
  Tensor out = make_tensor(x.shape(), x.dtype(), x.device(), "layer_norm");
  const Shape rows(x.shape().span().first(x.dim() - 1));
  Tensor mean = make_tensor(rows, x.dtype(), x.device(), "layer_norm");
  Tensor rstd = make_tensor(rows, x.dtype(), x.device(), "layer_norm");
  if (x.numel() > 0) {
    detail::backend_of(x).layer_norm(out, mean, rstd, contiguous(x),
                                     weight.defined() ? contiguous(weight) : weight,
                                     bias.defined() ? contiguous(bias) : bias, eps);
  }
  return {out, mean, rstd};
}

LayerNormGrads layer_norm_backward(const Tensor& grad, const Tensor& x, const Tensor& weight,
                                   const Tensor& mean, const Tensor& rstd, bool want_dx,
                                   bool want_dweight, bool want_dbias) {
  const char* name = "layer_norm_backward";
  KILN_CHECK(grad.shape() == x.shape(), name, ": gradient of shape ", grad.shape(),
             " for an input of shape ", x.shape());
  detail::check_same_device(name, grad, x);
  const int64_t features = x.size(-1);
  const int64_t rows = features == 0 ? 0 : x.numel() / features;
  const int64_t blocks = (rows + kLayerNormPartialRows - 1) / kLayerNormPartialRows;
  const auto make = [&](const Shape& shape) {
    return make_tensor(shape, x.dtype(), x.device(), name);
  };
  LayerNormGrads grads;
  Tensor dweight_partials, dbias_partials;
  if (want_dx) grads.dx = make(x.shape());
  if (want_dweight) dweight_partials = make({blocks, features});
  if (want_dbias) dbias_partials = make({blocks, features});
  if (x.numel() > 0 && (want_dx || want_dweight || want_dbias)) {
    layer_norm_backward_kernel(x.device())(
        grads.dx, dweight_partials, dbias_partials, contiguous(to(grad, x.dtype())), contiguous(x),
        weight.defined() ? contiguous(weight) : weight, contiguous(mean), contiguous(rstd));
  }
  if (want_dweight) grads.dweight = sum(dweight_partials, {0});
  if (want_dbias) grads.dbias = sum(dbias_partials, {0});
  return grads;
}

}  // namespace kiln::raw
