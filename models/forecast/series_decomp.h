#pragma once

// The moving-average series decomposition of Autoformer (Wu et al. 2021, "Autoformer:
// Decomposition Transformers with Auto-Correlation for Long-Term Series Forecasting",
// section 3.1), as DLinear, PatchTST and TimeMixer use it (Time-Series-Library's
// layers/Autoformer_EncDec.py, the same code in cure-lab/LTSF-Linear and yuqinie98/PatchTST):
// trend = the mean of every k steps (AvgPool(k, stride 1)) of the series padded by repeating
// its first and last steps (k - 1) / 2 times, seasonal = x - trend.
#include <cstdint>
#include <string>

#include "nn/module.h"

namespace kiln::models {

struct SeriesComponents {
  Tensor seasonal;  // the reference's res
  Tensor trend;     // its moving_mean
};

// x [B, T, C]; kernel_size odd (an even one would shorten the trend by one step).
SeriesComponents series_decomp(const Tensor& x, int64_t kernel_size);

// The same as a parameter-free module, where the reference holds one (DLinear's
// "decompsition", PatchTST's "decomp_module").
class SeriesDecomp : public nn::Module {
 public:
  explicit SeriesDecomp(int64_t kernel_size);
  SeriesComponents forward(const Tensor& x) const { return series_decomp(x, kernel_size_); }
  std::string extra_repr() const override;

 private:
  int64_t kernel_size_;
};

}  // namespace kiln::models
