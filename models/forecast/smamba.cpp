#include "models/forecast/smamba.h"

#include <vector>

#include "autograd/functions.h"
#include "tensor/error.h"

namespace kiln::models {
namespace {

void check_config(const SMamba::Config& config) {
  validate(inverted_layer_options(config), "S-Mamba");
  auto positive = [](const char* field, int64_t value) {
    KILN_CHECK(value > 0, "S-Mamba: ", field, " must be positive, got ", value);
  };
  positive("d_state", config.d_state);
  positive("e_layers", config.e_layers);
  positive("d_conv", config.d_conv);
  positive("expand", config.expand);
}

// The config checked first, as the constructor builds everything from these layers on.
std::vector<std::shared_ptr<InvertedEncoderLayer>> encoder_layers(const SMamba::Config& config) {
  check_config(config);
  // mamba_ssm's Mamba(d_model, d_state, d_conv, expand) with its defaults for the rest.
  const MambaConfig mixer{.d_model = config.d_model,
                          .d_state = config.d_state,
                          .d_conv = config.d_conv,
                          .expand = config.expand};
  std::vector<std::shared_ptr<InvertedEncoderLayer>> layers;
  for (int64_t i = 0; i < config.e_layers; ++i)
    layers.push_back(std::make_shared<SMambaEncoderLayer>(inverted_layer_options(config), mixer));
  return layers;
}

}  // namespace

SMambaEncoderLayer::SMambaEncoderLayer(const InvertedLayerOptions& options,
                                       const MambaConfig& mixer)
    : InvertedEncoderLayer("EncoderLayer") {
  attention = register_module("attention", std::make_shared<Mamba>(mixer));
  attention_r = register_module("attention_r", std::make_shared<Mamba>(mixer));
  register_feed_forward(options);
}

Tensor SMambaEncoderLayer::forward(const Tensor& x) {
  const Tensor backward = (*attention_r)(x.flip({1})).flip({1});
  return norm_and_feed_forward(x + ((*attention)(x) + backward));
}

SMamba::SMamba(const ForecastShape& shape, const Config& config)
    : InvertedForecaster("S-Mamba", shape, inverted_layer_options(config), config.use_norm,
                         encoder_layers(config)),
      config_(config) {}

nlohmann::json SMamba::config_json() const {
  return config_;
}

ForecastRecipe SMamba::paper_recipe(const std::string& dataset, int64_t horizon) {
  // The learning rate per horizon 96, 192, 336, 720; the model is the same in every script.
  constexpr double kETTh1Rate[] = {7e-5, 7e-5, 5e-5, 5e-5};
  constexpr double kETTh2Rate[] = {4e-5, 4e-5, 3e-5, 7e-5};
  const size_t column = script_horizon_index(horizon);
  // run.py's defaults: Adam, batch 32, 10 epochs, patience 3, halving (type1). The test
  // loader (data_factory.py) has drop_last=True but batch 1, so no window is dropped.
  return {
      .lookback = 96,
      .model = {{"d_model", 256}, {"d_ff", 256}, {"d_state", 2}, {"e_layers", 2}},
      .training = {.learning_rate = dataset == "ETTh2" ? kETTh2Rate[column] : kETTh1Rate[column],
                   .batch_size = 32,
                   .epochs = 10,
                   .patience = 3,
                   .lradj = "type1",
                   .test_drop_last = false}};
}

}  // namespace kiln::models
