#pragma once

// DLinear (Zeng et al. 2023, "Are Transformers Effective for Time Series Forecasting?",
// section 4): the look-back window split by a moving average into trend and seasonal parts,
// each mapped to the horizon by one linear layer over time,
//   y = W_s seasonal + b_s + W_t trend + b_t  (per channel; W [H, L]),
// with the two layers shared by the channels or one pair per channel (individual). Module
// and parameter names are cure-lab/LTSF-Linear's and Time-Series-Library's models/DLinear.py
// (Linear_Seasonal, Linear_Trend); bench/pytorch/dlinear_twin.py is the PyTorch twin.
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "models/forecast/forecaster.h"
#include "models/forecast/series_decomp.h"

namespace kiln::models {

class DLinear : public Forecaster {
 public:
  struct Config {
    bool individual = false;  // a Linear_Seasonal and Linear_Trend per channel ("DLinear-I")
    int64_t moving_avg = 25;  // the trend's window, odd (LTSF-Linear fixes it at 25)
    // Time-Series-Library sets every weight to 1 / L (a plain average of the window); the
    // paper's LTSF-Linear keeps nn.Linear's default U(-1/sqrt(L), 1/sqrt(L)).
    bool average_init = false;
  };

  // Throws kiln::Error for a non-positive size or an even or non-positive moving_avg.
  DLinear(const ForecastShape& shape, const Config& config);
  // x [B, L, C] -> [B, H, C]; x_mark is not used.
  Tensor forward(const Tensor& x, const Tensor& x_mark) override;
  nlohmann::json config_json() const override;
  // cure-lab/LTSF-Linear's scripts for ETTh1 and ETTh2 (see dlinear.cpp).
  static ForecastRecipe paper_recipe(const std::string& dataset, int64_t horizon);

  std::shared_ptr<SeriesDecomp> decompsition;  // the reference's spelling; no parameters
  // nn::Linear(L, H), or with individual an nn::ModuleList of one per channel.
  std::shared_ptr<nn::Module> Linear_Seasonal, Linear_Trend;

 private:
  ForecastShape shape_;
  Config config_;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DLinear::Config, individual, moving_avg,
                                                average_init)

}  // namespace kiln::models
