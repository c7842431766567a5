#include "models/forecast/series_decomp.h"

#include "autograd/functions.h"
#include "tensor/creation.h"
#include "tensor/error.h"

namespace kiln::models {
namespace {

void check_kernel(int64_t kernel_size) {
  KILN_CHECK(kernel_size > 0 && kernel_size % 2 == 1,
             "series_decomp: the moving average's kernel must be odd and positive, got ",
             kernel_size);
}

}  // namespace

// The moving average as a difference of running sums, O(T) rather than pooling's O(T k):
// pooling over unfolded windows, whose backward scatters every window back, took a third of
// TimeMixer's training step. The sums run in float64, so the average is as exact as the
// reference's direct one.
SeriesComponents series_decomp(const Tensor& x, int64_t kernel_size) {
  check_kernel(kernel_size);
  KILN_CHECK(x.dim() == 3, "series_decomp: expected a series [B, T, C], got ", x.shape());
  const int64_t batch = x.size(0), steps = x.size(1), channels = x.size(2);
  const int64_t half = (kernel_size - 1) / 2;
  const Tensor first = x.narrow(1, 0, 1).expand({batch, half, channels});
  const Tensor last = x.narrow(1, steps - 1, 1).expand({batch, half, channels});
  const Tensor padded = cat({first, x, last}, 1).to(kFloat64);
  const Tensor sums = cat({zeros_like(padded.narrow(1, 0, 1)), padded.cumsum(1)}, 1);
  const Tensor trend =
      ((sums.narrow(1, kernel_size, steps) - sums.narrow(1, 0, steps)) / kernel_size).to(x.dtype());
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
