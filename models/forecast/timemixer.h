#pragma once

// TimeMixer (Wang et al. 2024, "TimeMixer: Decomposable Multiscale Mixing for Time Series
// Forecasting"), after kwuking/TimeMixer's models/TimeMixer.py (Time-Series-Library's copy
// agrees on this path) with its module and parameter names, so its checkpoints load by name;
// bench/pytorch/timemixer_twin.py is the PyTorch twin. The look-back is down-sampled into
// scales (section 3), each normalised (RevIN) and split into one series per channel, embedded
// per step, mixed by e_layers past-decomposable-mixing blocks (section 3.1), and forecast by
// one Linear over time per scale whose outputs are summed (future multipredictor mixing,
// section 3.2).
//
// Ported: the channel-independent configuration of the paper's long-term scripts
// (channel_independence 1, decomp_method moving_avg, use_future_temporal_feature 0), with avg
// or max down-sampling. Not ported: channel_independence 0 (cross_layer, out_res_layers,
// regression_layers), the DFT decomposition, "conv" down-sampling (the reference draws a new,
// untrained Conv1d on every forward) and future calendar features (the Forecaster interface
// has no future marks).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/forecast/embed.h"
#include "models/forecast/forecaster.h"
#include "models/forecast/revin.h"
#include "models/forecast/timemixer_mixing.h"

namespace kiln::models {

class TimeMixer : public Forecaster {
 public:
  // The reference's argument names; defaults are TimeMixer_ETTh1_unify.sh's values (run.py's
  // where the script leaves them out).
  struct Config {
    int64_t d_model = 16;
    int64_t d_ff = 32;
    int64_t e_layers = 2;              // past-decomposable-mixing blocks
    double dropout = 0.1;              // after the embedding
    int64_t moving_avg = 25;           // the decomposition's kernel, odd
    int64_t down_sampling_layers = 3;  // scales beyond the look-back itself, at least 1
    int64_t down_sampling_window = 2;
    std::string down_sampling_method = "avg";  // "avg" or "max" pooling
    bool use_norm = true;                      // RevIN per scale
  };

  TimeMixer(const ForecastShape& shape, const Config& config);
  // x [B, L, C]; x_mark [B, L, F] is embedded when given and mark_features > 0.
  Tensor forward(const Tensor& x, const Tensor& x_mark) override;
  nlohmann::json config_json() const override;
  std::string extra_repr() const override;

  // kwuking/TimeMixer's scripts/long_term_forecast/ETT_script/TimeMixer_ETTh1_unify.sh and
  // TimeMixer_ETTh2_unify.sh (the same at every horizon).
  static ForecastRecipe paper_recipe(const std::string& dataset, int64_t horizon);

  std::shared_ptr<nn::ModuleList> pdm_blocks;  // of PastDecomposableMixing
  std::shared_ptr<DataEmbeddingWithoutPosition> enc_embedding;
  std::shared_ptr<nn::ModuleList> normalize_layers;  // of RevIN, one per scale
  std::shared_ptr<nn::ModuleList> predict_layers;    // of Linear(T_i, H), one per scale
  std::shared_ptr<nn::Linear> projection_layer;      // d_model -> 1

 private:
  // The look-back and its down-samplings, each [B, T_i, C].
  std::vector<Tensor> multi_scale_inputs(const Tensor& x) const;
  // The calendar features of every window^i-th step, each [B, T_i, F].
  std::vector<Tensor> multi_scale_marks(const Tensor& x_mark) const;
  // Sum over scales of projection_layer(predict_layers[i] over time): [B, H, C].
  Tensor future_multi_mixing(const std::vector<Tensor>& enc_out_list, int64_t batch) const;

  ForecastShape shape_;
  Config config_;
  MultiScale scales_;
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TimeMixer::Config, d_model, d_ff, e_layers, dropout,
                                                moving_avg, down_sampling_layers,
                                                down_sampling_window, down_sampling_method,
                                                use_norm)

}  // namespace kiln::models
