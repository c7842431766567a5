#include "models/forecast/timemixer_mixing.h"

#include "models/forecast/series_decomp.h"
#include "nn/activation.h"
#include "nn/linear.h"
#include "nn/module_scope.h"

namespace kiln::models {

int64_t MultiScale::length(int64_t scale) const {
  int64_t divisor = 1;
  for (int64_t i = 0; i < scale; ++i) divisor *= window;
  return seq_len / divisor;
}

std::shared_ptr<nn::Sequential> mixing_mlp(int64_t in, int64_t hidden, int64_t out) {
  return std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::UnaryModule>>{
      std::make_shared<nn::Linear>(in, hidden), std::make_shared<nn::GELU>(),
      std::make_shared<nn::Linear>(hidden, out)});
}

MultiScaleSeasonMixing::MultiScaleSeasonMixing(const MultiScale& scales)
    : nn::Module("MultiScaleSeasonMixing") {
  down_sampling_layers =
      register_module("down_sampling_layers", std::make_shared<nn::ModuleList>());
  for (int64_t i = 0; i < scales.layers; ++i) {
    const int64_t coarser = scales.length(i + 1);
    down_sampling_layers->push_back(mixing_mlp(scales.length(i), coarser, coarser));
  }
}

std::vector<Tensor> MultiScaleSeasonMixing::forward(const std::vector<Tensor>& season_list) {
  const nn::ModuleScope scope(*this);
  KILN_CHECK(season_list.size() == down_sampling_layers->size() + 1,
             "MultiScaleSeasonMixing: expected ", down_sampling_layers->size() + 1, " scales, got ",
             season_list.size());
  Tensor mixed = season_list[0];
  std::vector<Tensor> out{mixed.transpose(1, 2)};
  for (size_t i = 0; i + 1 < season_list.size(); ++i) {
    mixed = season_list[i + 1] + (*down_sampling_layers->at<nn::Sequential>(i))(mixed);
    out.push_back(mixed.transpose(1, 2));
  }
  return out;
}

MultiScaleTrendMixing::MultiScaleTrendMixing(const MultiScale& scales)
    : nn::Module("MultiScaleTrendMixing") {
  up_sampling_layers = register_module("up_sampling_layers", std::make_shared<nn::ModuleList>());
  for (int64_t i = scales.layers - 1; i >= 0; --i) {
    const int64_t finer = scales.length(i);
    up_sampling_layers->push_back(mixing_mlp(scales.length(i + 1), finer, finer));
  }
}

std::vector<Tensor> MultiScaleTrendMixing::forward(const std::vector<Tensor>& trend_list) {
  const nn::ModuleScope scope(*this);
  KILN_CHECK(trend_list.size() == up_sampling_layers->size() + 1,
             "MultiScaleTrendMixing: expected ", up_sampling_layers->size() + 1, " scales, got ",
             trend_list.size());
  const size_t coarsest = trend_list.size() - 1;
  Tensor mixed = trend_list[coarsest];
  std::vector<Tensor> out(trend_list.size());
  out[coarsest] = mixed.transpose(1, 2);
  for (size_t step = 0; step < coarsest; ++step) {
    const size_t scale = coarsest - 1 - step;
    mixed = trend_list[scale] + (*up_sampling_layers->at<nn::Sequential>(step))(mixed);
    out[scale] = mixed.transpose(1, 2);
  }
  return out;
}

PastDecomposableMixing::PastDecomposableMixing(const MultiScale& scales, int64_t d_model,
                                               int64_t d_ff, int64_t moving_avg)
    : nn::Module("PastDecomposableMixing"), moving_avg_(moving_avg) {
  layer_norm = register_module("layer_norm", std::make_shared<nn::LayerNorm>(Shape{d_model}));
  mixing_multi_scale_season = register_module("mixing_multi_scale_season",
                                              std::make_shared<MultiScaleSeasonMixing>(scales));
  mixing_multi_scale_trend =
      register_module("mixing_multi_scale_trend", std::make_shared<MultiScaleTrendMixing>(scales));
  out_cross_layer = register_module("out_cross_layer", mixing_mlp(d_model, d_ff, d_model));
}

std::vector<Tensor> PastDecomposableMixing::forward(const std::vector<Tensor>& x_list) {
  const nn::ModuleScope scope(*this);
  std::vector<Tensor> season_list, trend_list;
  for (const Tensor& x : x_list) {
    const SeriesComponents parts = series_decomp(x, moving_avg_);
    season_list.push_back(parts.seasonal.transpose(1, 2));
    trend_list.push_back(parts.trend.transpose(1, 2));
  }
  const std::vector<Tensor> seasons = mixing_multi_scale_season->forward(season_list);
  const std::vector<Tensor> trends = mixing_multi_scale_trend->forward(trend_list);
  std::vector<Tensor> out;
  for (size_t i = 0; i < x_list.size(); ++i)
    out.push_back(x_list[i] + (*out_cross_layer)(seasons[i] + trends[i]));
  return out;
}

}  // namespace kiln::models
