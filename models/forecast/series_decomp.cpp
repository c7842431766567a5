#include "models/forecast/series_decomp.h"

#include "autograd/functions.h"
#include "nn/padding.h"
#include "tensor/error.h"

namespace kiln::models {

MovingAvg::MovingAvg(int64_t kernel_size, int64_t stride)
    : UnaryModule("moving_avg"), kernel_size_(kernel_size) {
  KILN_CHECK(kernel_size > 0 && stride > 0, "moving_avg: kernel_size and stride must be positive, ",
             "got ", kernel_size, " and ", stride);
  avg = register_module("avg", std::make_shared<nn::AvgPool>(nn::functional::PoolOptions{
                                   .kernel = {kernel_size}, .stride = {stride}}));
}

Tensor MovingAvg::forward(const Tensor& x) {
  KILN_CHECK(x.dim() == 3, "moving_avg: x must be [B, L, C], got ", x.shape());
  // Replication padding of the channels-first series is the reference's concatenation of
  // repeated first and last steps.
  const int64_t half = (kernel_size_ - 1) / 2;
  const Tensor padded =
      nn::functional::pad(x.permute({0, 2, 1}), {{half, half}}, nn::functional::PadMode::Replicate);
  return (*avg)(padded).permute({0, 2, 1});
}

std::string MovingAvg::extra_repr() const {
  return "kernel_size=" + std::to_string(kernel_size_);
}

SeriesDecomp::SeriesDecomp(int64_t kernel_size) : Module("series_decomp") {
  KILN_CHECK(kernel_size > 0 && kernel_size % 2 == 1,
             "series_decomp: kernel_size must be odd and positive, got ", kernel_size);
  moving_avg = register_module("moving_avg", std::make_shared<MovingAvg>(kernel_size, 1));
}

SeriesComponents SeriesDecomp::forward(const Tensor& x) {
  Tensor trend = (*moving_avg)(x);
  return {.seasonal = x - trend, .trend = trend};
}

}  // namespace kiln::models
