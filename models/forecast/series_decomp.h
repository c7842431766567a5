#pragma once

// The moving-average series decomposition of Autoformer (Wu et al. 2021, "Autoformer:
// Decomposition Transformers with Auto-Correlation for Long-Term Series Forecasting",
// section 3.1), as Time-Series-Library's layers/Autoformer_EncDec.py (series_decomp) writes
// it: trend = AvgPool(k, stride 1) over the series padded by repeating its first and last
// steps (k - 1) / 2 times, seasonal = x - trend.
#include <cstdint>

#include "tensor/tensor.h"

namespace kiln::models {

struct SeriesDecomposition {
  Tensor seasonal, trend;  // each shaped as the series
};

// x [B, T, C]; kernel_size odd (an even one would shorten the trend by one step).
SeriesDecomposition series_decomp(const Tensor& x, int64_t kernel_size);

}  // namespace kiln::models
