#pragma once

// The golden check every forecaster's test runs against its PyTorch twin's fixture
// (tests/fixtures/models/<name>.safetensors, written by bench/pytorch/*_fixtures.py): the
// twin's weights by name, its forecast of one batch, the MSE against a target and every
// parameter's gradient.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "golden.h"
#include "models/forecast/forecaster.h"
#include "nn/loss.h"
#include "tensor/io/safetensors.h"

namespace kiln::testing {

// The fixture's metadata "twin": config (the kiln Config as JSON), shape (a ForecastShape)
// and named_parameters (the twin's, in order).
inline nlohmann::json forecaster_twin(const std::string& name) {
  const std::string path = std::string(KILN_FIXTURES_DIR) + "/models/" + name + ".safetensors";
  return nlohmann::json::parse(load_safetensors(path).metadata.at("twin"));
}

struct GoldenTolerances {
  double rtol, atol;  // forecast and loss
  double grad_rtol;
  double grad_atol_of_largest;  // per gradient, relative to its largest element
};

// Loads the fixture's param.* into `model` (its state dict entries the fixture leaves out
// must be `not_in_fixture`), runs the fixture's x and x_mark, and compares the forecast
// ("output"), its MSE against "target" ("loss") and each parameter's gradient ("grad.<name>";
// a parameter the fixture has no gradient for must get none).
inline void expect_matches_twin(models::Forecaster& model, const Golden& golden,
                                const GoldenTolerances& tolerances,
                                const std::vector<std::string>& not_in_fixture = {}) {
  const nn::LoadResult loaded = model.load_state_dict(golden.with_prefix("param."), false);
  EXPECT_EQ(loaded.missing_keys, not_in_fixture);
  EXPECT_TRUE(loaded.unexpected_keys.empty());
  const Tensor output = model.forward(golden["x"], golden["x_mark"]);
  golden.expect_close(output, "output", tolerances.rtol, tolerances.atol);
  const Tensor loss = nn::mse_loss(output, golden["target"]);
  golden.expect_close(loss, "loss", tolerances.rtol, tolerances.atol);
  loss.backward();
  for (const auto& [name, param] : model.named_parameters()) {
    const std::string key = "grad." + name;
    if (!golden.has(key)) {
      EXPECT_FALSE(param.grad().defined()) << name << " has a gradient; the twin's has none";
      continue;
    }
    const double largest = golden[key].abs().amax().item<double>();
    golden.expect_close(param.grad(), key, tolerances.grad_rtol,
                        tolerances.grad_atol_of_largest * largest);
  }
}

// named_parameters() in order.
inline std::vector<std::string> parameter_names(const nn::Module& module) {
  std::vector<std::string> names;
  for (const auto& [name, value] : module.named_parameters()) names.push_back(name);
  return names;
}

}  // namespace kiln::testing
