#include "models/forecast/series_decomp.h"

#include "nn/conv_functional.h"
#include "nn/padding.h"
#include "tensor/error.h"

namespace kiln::models {
namespace {

void check_kernel(int64_t kernel_size) {
  KILN_CHECK(kernel_size > 0 && kernel_size % 2 == 1,
             "series_decomp: the moving average's kernel must be odd and positive, got ",
             kernel_size);
}

}  // namespace

SeriesComponents series_decomp(const Tensor& x, int64_t kernel_size) {
  check_kernel(kernel_size);
  KILN_CHECK(x.dim() == 3, "series_decomp: expected a series [B, T, C], got ", x.shape());
  namespace F = nn::functional;
  const int64_t half = (kernel_size - 1) / 2;
  const Tensor padded = F::pad(x.transpose(1, 2), {{half, half}}, F::PadMode::Replicate);
  const Tensor trend =
      F::avg_pool(padded, {.kernel = {kernel_size}, .stride = {1}}).transpose(1, 2);
  return {.seasonal = x - trend, .trend = trend};
}

SeriesDecomp::SeriesDecomp(int64_t kernel_size)
    : Module("series_decomp"), kernel_size_(kernel_size) {
  check_kernel(kernel_size);
}

std::string SeriesDecomp::extra_repr() const {
  return "kernel_size=" + std::to_string(kernel_size_);
}

}  // namespace kiln::models
