#pragma once

// A forecaster against its PyTorch twin's fixture (tests/fixtures/models/<name>.safetensors,
// written by bench/pytorch/<model>_fixtures.py): the twin's shape and config from the
// metadata, and one training pass (forecast, MSE loss, every parameter's gradient) compared.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

#include "golden.h"
#include "models/forecast/forecaster.h"
#include "nn/loss.h"
#include "tensor/io/safetensors.h"

namespace kiln::testing {

struct ForecasterFixture {
  models::ForecastShape shape;
  nlohmann::json config;  // the model's Config as JSON
};

inline ForecasterFixture forecaster_fixture(const std::string& name) {
  const std::string path = std::string(KILN_FIXTURES_DIR) + "/models/" + name + ".safetensors";
  const nlohmann::json twin = nlohmann::json::parse(load_safetensors(path).metadata.at("twin"));
  return {.shape = twin.at("shape").get<models::ForecastShape>(), .config = twin.at("config")};
}

struct ForecastTolerances {
  double rtol, atol;  // forecast and loss
  double grad_rtol;
  // A gradient element's absolute tolerance, as a fraction of the largest gradient element of
  // the whole model: parameters whose gradient vanishes in exact arithmetic (a bias feeding a
  // batch norm, which removes any shift) hold rounding noise on both sides.
  double grad_atol_of_largest;
};

// In the model's current mode: the forecast of golden["x"] against "output", its MSE against
// golden["y"] against "loss", and every trainable parameter's gradient against "grad.<name>".
inline void expect_training_pass_matches(models::Forecaster& model, const Golden& golden,
                                         const ForecastTolerances& tolerances) {
  const Tensor output = model.forward(golden["x"], Tensor());
  golden.expect_close(output, "output", tolerances.rtol, tolerances.atol);
  const Tensor loss = nn::mse_loss(output, golden["y"]);
  golden.expect_close(loss, "loss", tolerances.rtol, tolerances.atol);
  loss.backward();
  double largest = 0;
  for (const auto& [name, grad] : golden.with_prefix("grad."))
    largest = std::max(largest, grad.abs().amax().item<double>());
  for (const auto& [name, param] : model.named_parameters())
    golden.expect_close(param.grad(), "grad." + name, tolerances.grad_rtol,
                        tolerances.grad_atol_of_largest * largest);
}

}  // namespace kiln::testing
