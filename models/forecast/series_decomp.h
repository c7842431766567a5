#pragma once

// Autoformer's series decomposition (Wu et al. 2021, "Autoformer", section 3.1), as DLinear
// and PatchTST use it (Time-Series-Library's layers/Autoformer_EncDec.py, the same code in
// cure-lab/LTSF-Linear and yuqinie98/PatchTST): trend = the moving average of the series,
// seasonal = series - trend.
#include <cstdint>
#include <memory>

#include "nn/conv.h"

namespace kiln::models {

// The mean of every window of kernel_size steps along the time dim of x [B, L, C], the series
// first padded at both ends with (kernel_size - 1) / 2 copies of its first and last value;
// at stride 1 and an odd kernel the output keeps the length L.
class MovingAvg : public nn::UnaryModule {
 public:
  MovingAvg(int64_t kernel_size, int64_t stride);
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

  std::shared_ptr<nn::AvgPool> avg;

 private:
  int64_t kernel_size_;
};

struct SeriesComponents {
  Tensor seasonal;  // the reference's res
  Tensor trend;     // its moving_mean
};

class SeriesDecomp : public nn::Module {
 public:
  // kernel_size must be odd: an even one would shorten the series by one step.
  explicit SeriesDecomp(int64_t kernel_size);
  // x [B, L, C] -> seasonal and trend, both [B, L, C].
  SeriesComponents forward(const Tensor& x);

  std::shared_ptr<MovingAvg> moving_avg;
};

}  // namespace kiln::models
