#pragma once

// The recurrent baseline (ours; no paper): an LSTM (nn/recurrent.h) runs over the L steps of
// a window, C channels in per step, and a Linear maps the last step's hidden state to all
// H x C forecast values. bench/pytorch/lstm_forecaster_twin.py is the PyTorch twin.
//
// Reversible instance normalisation (RevIN, Kim et al. 2022; models/forecast/revin.h) is
// on by default: the ETT splits drift (on the scaler's standardised scale the test months'
// mean of ETTh1's OT is -1.34 and ETTh2's channels reach -2.89, their stdevs 0.13 to 1.35),
// so a model fitted to the training months' levels forecasts the wrong level there;
// normalising each window by its own mean and stdev and mapping the forecast back removes
// that shift, as it does for PatchTST, iTransformer and TimeMixer.
#include <cstdint>
#include <memory>
#include <string>

#include "models/forecast/forecaster.h"
#include "models/forecast/revin.h"
#include "nn/linear.h"
#include "nn/recurrent.h"

namespace kiln::models {

class LstmForecaster : public Forecaster {
 public:
  struct Config {
    int64_t hidden_size = 128;
    int64_t num_layers = 2;
    double dropout = 0;  // between LSTM layers, in training
    bool revin = true;
  };

  LstmForecaster(const ForecastShape& shape, const Config& config);
  // x [B, L, C] -> [B, H, C]; the calendar features are not used.
  Tensor forward(const Tensor& x, const Tensor& x_mark) override;
  nlohmann::json config_json() const override;
  std::string extra_repr() const override;

  // Our settings, the same for every dataset and horizon: look-back 96 as the L = 96 papers,
  // Adam at 1e-3 (the usual rate for LSTMs; Time-Series-Library's 1e-4 default is slow for
  // them) and Time-Series-Library's run.py defaults otherwise.
  static ForecastRecipe paper_recipe(const std::string& dataset, int64_t horizon);

  std::shared_ptr<RevIN> revin_layer;  // null without revin
  std::shared_ptr<nn::LSTM> lstm;
  std::shared_ptr<nn::Linear> head;  // hidden_size -> H C

 private:
  ForecastShape shape_;
  Config config_;
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LstmForecaster::Config, hidden_size, num_layers,
                                                dropout, revin)

}  // namespace kiln::models
