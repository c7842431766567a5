#include "models/forecast/lstm_forecaster.h"

#include <tuple>

#include "nn/module_scope.h"

namespace kiln::models {
namespace {

void validate(const ForecastShape& shape, const LstmForecaster::Config& config) {
  auto positive = [](const char* field, int64_t value) {
    KILN_CHECK(value > 0, "LstmForecaster: ", field, " must be positive, got ", value);
  };
  positive("lookback", shape.lookback);
  positive("horizon", shape.horizon);
  positive("channels", shape.channels);
  positive("hidden_size", config.hidden_size);
  positive("num_layers", config.num_layers);
  KILN_CHECK(config.dropout >= 0 && config.dropout < 1,
             "LstmForecaster: dropout must be in [0, 1), got ", config.dropout);
}

}  // namespace

LstmForecaster::LstmForecaster(const ForecastShape& shape, const Config& config)
    : Forecaster("LstmForecaster"), shape_(shape), config_(config) {
  validate(shape, config);
  if (config.revin)
    revin_layer = register_module("revin_layer", std::make_shared<RevIN>(shape.channels));
  lstm = register_module(
      "lstm", std::make_shared<nn::LSTM>(shape.channels, config.hidden_size,
                                         nn::RecurrentOptions{.num_layers = config.num_layers,
                                                              .batch_first = true,
                                                              .dropout = config.dropout}));
  head = register_module(
      "head", std::make_shared<nn::Linear>(config.hidden_size, shape.horizon * shape.channels));
}

Tensor LstmForecaster::forward(const Tensor& x, const Tensor& /*x_mark*/) {
  const nn::ModuleScope scope(*this);
  KILN_CHECK(x.dim() == 3 && x.size(1) == shape_.lookback && x.size(2) == shape_.channels,
             "LstmForecaster: x must be [B, ", shape_.lookback, ", ", shape_.channels, "], got ",
             x.shape());
  RevINStatistics statistics;
  Tensor input = x;
  if (revin_layer) std::tie(input, statistics) = revin_layer->normalize(x);
  const Tensor last_step = lstm->forward(input).output.select(1, shape_.lookback - 1);
  const Tensor forecast = (*head)(last_step).reshape({x.size(0), shape_.horizon, shape_.channels});
  return revin_layer ? revin_layer->denormalize(forecast, statistics) : forecast;
}

nlohmann::json LstmForecaster::config_json() const {
  return config_;
}

std::string LstmForecaster::extra_repr() const {
  return nlohmann::json{{"shape", shape_}, {"config", config_}}.dump();
}

ForecastRecipe LstmForecaster::paper_recipe(const std::string& /*dataset*/, int64_t /*horizon*/) {
  return {.lookback = 96,
          .model = nlohmann::json::object(),
          .training = {.learning_rate = 1e-3,
                       .batch_size = 32,
                       .epochs = 10,
                       .patience = 3,
                       .lradj = "type1",
                       .pct_start = 0.3,
                       .test_drop_last = false}};
}

}  // namespace kiln::models
