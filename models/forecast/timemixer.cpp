#include "models/forecast/timemixer.h"

#include "nn/conv_functional.h"
#include "nn/module_scope.h"

namespace kiln::models {
namespace {

void validate(const ForecastShape& shape, const TimeMixer::Config& config) {
  auto positive = [](const char* field, int64_t value) {
    KILN_CHECK(value > 0, "TimeMixer: ", field, " must be positive, got ", value);
  };
  positive("lookback", shape.lookback);
  positive("horizon", shape.horizon);
  positive("channels", shape.channels);
  KILN_CHECK(shape.mark_features >= 0, "TimeMixer: mark_features must be >= 0, got ",
             shape.mark_features);
  positive("d_model", config.d_model);
  positive("d_ff", config.d_ff);
  positive("e_layers", config.e_layers);
  positive("down_sampling_layers", config.down_sampling_layers);
  positive("down_sampling_window", config.down_sampling_window);
  KILN_CHECK(config.dropout >= 0 && config.dropout < 1,
             "TimeMixer: dropout must be in [0, 1), got ", config.dropout);
  KILN_CHECK(config.moving_avg > 0 && config.moving_avg % 2 == 1,
             "TimeMixer: moving_avg must be odd and positive (an even kernel shortens the "
             "trend), got ",
             config.moving_avg);
  KILN_CHECK(config.down_sampling_method == "avg" || config.down_sampling_method == "max",
             "TimeMixer: down_sampling_method must be \"avg\" or \"max\", got \"",
             config.down_sampling_method, "\"");
  int64_t length = shape.lookback;
  for (int64_t i = 0; i < config.down_sampling_layers; ++i) {
    // The calendar features are down-sampled by taking every window-th step, which keeps
    // ceil(T / window) of them against the pooling's floor(T / window).
    KILN_CHECK(shape.mark_features == 0 || length % config.down_sampling_window == 0,
               "TimeMixer: with calendar features the lookback ", shape.lookback,
               " must be a multiple of down_sampling_window^down_sampling_layers (",
               config.down_sampling_window, "^", config.down_sampling_layers, ")");
    length /= config.down_sampling_window;
    KILN_CHECK(length > 0, "TimeMixer: the lookback ", shape.lookback, " is too short for ",
               config.down_sampling_layers, " down-samplings by ", config.down_sampling_window);
  }
}

}  // namespace

TimeMixer::TimeMixer(const ForecastShape& shape, const Config& config)
    : Forecaster("TimeMixer"),
      shape_(shape),
      config_(config),
      scales_{.seq_len = shape.lookback,
              .window = config.down_sampling_window,
              .layers = config.down_sampling_layers} {
  validate(shape, config);
  pdm_blocks = register_module("pdm_blocks", std::make_shared<nn::ModuleList>());
  for (int64_t i = 0; i < config.e_layers; ++i)
    pdm_blocks->push_back(std::make_shared<PastDecomposableMixing>(scales_, config.d_model,
                                                                   config.d_ff, config.moving_avg));
  // Channel independence: every channel is a series of one value per step.
  enc_embedding =
      register_module("enc_embedding", std::make_shared<DataEmbeddingWithoutPosition>(
                                           1, config.d_model, shape.mark_features, config.dropout));
  normalize_layers = register_module("normalize_layers", std::make_shared<nn::ModuleList>());
  predict_layers = register_module("predict_layers", std::make_shared<nn::ModuleList>());
  for (int64_t i = 0; i <= config.down_sampling_layers; ++i) {
    normalize_layers->push_back(
        std::make_shared<RevIN>(shape.channels, RevINOptions{.non_norm = !config.use_norm}));
    predict_layers->push_back(std::make_shared<nn::Linear>(scales_.length(i), shape.horizon));
  }
  projection_layer =
      register_module("projection_layer", std::make_shared<nn::Linear>(config.d_model, 1));
}

std::vector<Tensor> TimeMixer::multi_scale_inputs(const Tensor& x) const {
  namespace F = nn::functional;
  const F::PoolOptions pool{.kernel = {config_.down_sampling_window}};
  std::vector<Tensor> scales{x};
  Tensor channels_first = x.transpose(1, 2);
  for (int64_t i = 0; i < config_.down_sampling_layers; ++i) {
    channels_first = config_.down_sampling_method == "avg" ? F::avg_pool(channels_first, pool)
                                                           : F::max_pool(channels_first, pool);
    scales.push_back(channels_first.transpose(1, 2));
  }
  return scales;
}

std::vector<Tensor> TimeMixer::multi_scale_marks(const Tensor& x_mark) const {
  std::vector<Tensor> marks{x_mark};
  for (int64_t i = 0; i < config_.down_sampling_layers; ++i)
    marks.push_back(
        marks.back().slice(1, std::nullopt, std::nullopt, config_.down_sampling_window));
  return marks;
}

Tensor TimeMixer::future_multi_mixing(const std::vector<Tensor>& enc_out_list,
                                      int64_t batch) const {
  Tensor sum;
  for (size_t i = 0; i < enc_out_list.size(); ++i) {
    // [B C, T_i, d_model] -> over time to [B C, H, d_model] -> [B C, H, 1] -> [B, H, C].
    const Tensor over_time =
        (*predict_layers->at<nn::Linear>(i))(enc_out_list[i].transpose(1, 2)).transpose(1, 2);
    const Tensor forecast = (*projection_layer)(over_time)
                                .reshape({batch, shape_.channels, shape_.horizon})
                                .transpose(1, 2);
    sum = sum.defined() ? sum + forecast : forecast;
  }
  return sum;
}

Tensor TimeMixer::forward(const Tensor& x, const Tensor& x_mark) {
  const nn::ModuleScope scope(*this);
  const int64_t batch = x.dim() == 3 ? x.size(0) : 0;
  KILN_CHECK(x.dim() == 3 && x.size(1) == shape_.lookback && x.size(2) == shape_.channels,
             "TimeMixer: x must be [B, ", shape_.lookback, ", ", shape_.channels, "], got ",
             x.shape());
  const bool with_marks = x_mark.defined() && enc_embedding->temporal_embedding;
  const Shape mark_shape{batch, shape_.lookback, shape_.mark_features};
  KILN_CHECK(!with_marks || x_mark.shape() == mark_shape, "TimeMixer: x_mark must be ", mark_shape,
             ", got ", x_mark.shape());
  const std::vector<Tensor> scales = multi_scale_inputs(x);
  const std::vector<Tensor> marks = with_marks ? multi_scale_marks(x_mark) : std::vector<Tensor>{};
  std::vector<Tensor> enc_out_list;
  RevINStatistics finest;
  for (size_t i = 0; i < scales.size(); ++i) {
    auto [normed, statistics] = normalize_layers->at<RevIN>(i)->normalize(scales[i]);
    if (i == 0) finest = statistics;
    const int64_t steps = normed.size(1);
    // Row b C + n holds channel n of window b.
    const Tensor series = normed.transpose(1, 2).reshape({batch * shape_.channels, steps, 1});
    // repeat gives row b C + n the marks of window (b C + n) mod B, not b: the reference's
    // pairing, kept so that trained weights and published figures carry over.
    const Tensor series_marks = with_marks ? marks[i].repeat({shape_.channels, 1, 1}) : Tensor{};
    enc_out_list.push_back(enc_embedding->forward(series, series_marks));
  }
  for (size_t i = 0; i < pdm_blocks->size(); ++i)
    enc_out_list = pdm_blocks->at<PastDecomposableMixing>(i)->forward(enc_out_list);
  return normalize_layers->at<RevIN>(0)->denormalize(future_multi_mixing(enc_out_list, batch),
                                                     finest);
}

nlohmann::json TimeMixer::config_json() const {
  return config_;
}

std::string TimeMixer::extra_repr() const {
  return nlohmann::json{{"shape", shape_}, {"config", config_}}.dump();
}

ForecastRecipe TimeMixer::paper_recipe(const std::string& dataset, int64_t /*horizon*/) {
  // Both scripts run run.py's OneCycle schedule ("TST", stepped per batch, pct_start 0.2);
  // the data loaders drop the last incomplete test batch (data_factory.py). ETTh1's script
  // passes --batch_size 128 --train_epochs 10 --patience 10; ETTh2's passes neither, so
  // run.py's defaults hold (batch 16, 10 epochs, patience 10).
  return {.lookback = 96,
          .model = nlohmann::json::object(),
          .training = {.learning_rate = 0.01,
                       .batch_size = dataset == "ETTh2" ? 16 : 128,
                       .epochs = 10,
                       .patience = 10,
                       .lradj = "TST",
                       .pct_start = 0.2,
                       .test_drop_last = true}};
}

}  // namespace kiln::models
