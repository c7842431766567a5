#pragma once

// The forecasters by name, as `kiln train forecast --model` and checkpoints name them:
//   dlinear       Zeng et al. 2023, "Are Transformers Effective for Time Series Forecasting?"
//   patchtst      Nie et al. 2023, "A Time Series is Worth 64 Words"
//   itransformer  Liu et al. 2024, "iTransformer: Inverted Transformers Are Effective for
//                 Time Series Forecasting"
//   timemixer     Wang et al. 2024, "TimeMixer: Decomposable Multiscale Mixing for Time
//                 Series Forecasting"
//   smamba        Wang et al. 2024, "Is Mamba Effective for Time Series Forecasting?"
//   lstm          an LSTM over time with a linear head, the recurrent baseline
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/forecast/forecaster.h"

namespace kiln::models {

const std::vector<std::string>& forecaster_kinds();

// The model's hyperparameters as its paper's ETTh1 scripts set them, as JSON of its config
// struct (the shape fields excluded).
nlohmann::json forecaster_defaults(const std::string& kind);

// The paper's settings for `kind` on `dataset` ("ETTh1", "ETTh2", ...; a dataset the paper
// did not run gets its ETTh1 settings) at `horizon`.
ForecastRecipe forecast_recipe(const std::string& kind, const std::string& dataset,
                               int64_t horizon);

// A forecaster of `kind` for `shape`; `config` overrides the defaults field by field (a
// field the model does not have is a kiln::Error). Throws kiln::Error for an unknown kind.
std::shared_ptr<Forecaster> make_forecaster(
    const std::string& kind, const ForecastShape& shape,
    const nlohmann::json& config = nlohmann::json::object());

}  // namespace kiln::models
