#pragma once

// TimeMixer's past decomposable mixing (Wang et al. 2024, "TimeMixer: Decomposable Multiscale
// Mixing for Time Series Forecasting", section 3.1), after kwuking/TimeMixer's
// models/TimeMixer.py with its module names: every scale's embedded series is split into
// season and trend; seasons mix bottom-up (fine to coarse), trends top-down (coarse to fine),
// each by a two-layer MLP over time between neighbouring scales; a feed-forward layer over
// the features adds the mixed parts back to each scale (channel independence, the
// configuration the paper's long-term scripts use).
#include <cstdint>
#include <memory>
#include <vector>

#include "nn/containers.h"
#include "nn/normalization.h"

namespace kiln::models {

// The scales: the look-back of seq_len steps and its down-samplings by window, window^2,
// ... window^layers; scale i has seq_len / window^i steps (integer division).
struct MultiScale {
  int64_t seq_len = 96;
  int64_t window = 2;
  int64_t layers = 3;

  int64_t length(int64_t scale) const;
};

// Linear(in, hidden), GELU, Linear(hidden, out): the Sequential every mixing step uses.
std::shared_ptr<nn::Sequential> mixing_mlp(int64_t in, int64_t hidden, int64_t out);

// Bottom-up: s'_0 = s_0, s'_{i+1} = s_{i+1} + down_sampling_layers[i](s'_i), over time.
class MultiScaleSeasonMixing : public nn::Module {
 public:
  explicit MultiScaleSeasonMixing(const MultiScale& scales);
  // season_list[i] [B, d_model, T_i] -> the mixed seasons, each [B, T_i, d_model].
  std::vector<Tensor> forward(const std::vector<Tensor>& season_list);

  std::shared_ptr<nn::ModuleList> down_sampling_layers;
};

// Top-down: t'_n = t_n, t'_i = t_i + up_sampling_layers[n - 1 - i](t'_{i+1}), over time
// (up_sampling_layers[0] maps the coarsest scale).
class MultiScaleTrendMixing : public nn::Module {
 public:
  explicit MultiScaleTrendMixing(const MultiScale& scales);
  // trend_list[i] [B, d_model, T_i] -> the mixed trends, each [B, T_i, d_model].
  std::vector<Tensor> forward(const std::vector<Tensor>& trend_list);

  std::shared_ptr<nn::ModuleList> up_sampling_layers;
};

// x_i' = x_i + out_cross_layer(season'_i + trend'_i) for every scale i.
class PastDecomposableMixing : public nn::Module {
 public:
  PastDecomposableMixing(const MultiScale& scales, int64_t d_model, int64_t d_ff,
                         int64_t moving_avg);
  // x_list[i] [B, T_i, d_model] -> the same shapes.
  std::vector<Tensor> forward(const std::vector<Tensor>& x_list);

  // Built but never applied, as in the reference (its forward has no layer norm); kept so
  // that its state dicts load by name.
  std::shared_ptr<nn::LayerNorm> layer_norm;
  std::shared_ptr<MultiScaleSeasonMixing> mixing_multi_scale_season;
  std::shared_ptr<MultiScaleTrendMixing> mixing_multi_scale_trend;
  std::shared_ptr<nn::Sequential> out_cross_layer;

 private:
  int64_t moving_avg_;
};

}  // namespace kiln::models
