#pragma once

// What the forecasters' tests share: the PyTorch twin's fixture
// (tests/fixtures/models/<name>.safetensors, written by bench/pytorch/*_fixtures.py: the
// twin's weights by name (param.*), a batch x, x_mark and target, and per case the forecast,
// the MSE loss and every parameter's gradient), one training pass compared with it, and bad
// configs' errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "autograd/grad_mode.h"
#include "golden.h"
#include "models/forecast/forecasters.h"
#include "nn/loss.h"
#include "tensor/io/safetensors.h"
#include "tensor/testing.h"

namespace kiln::testing {

inline void expect_error_contains(const std::function<void()>& call, const std::string& message) {
  const std::string error = error_of(call);
  EXPECT_NE(error.find(message), std::string::npos) << error;
}

// The fixture's metadata "twin": shape (a ForecastShape), config (the kiln Config as JSON)
// and, where written, named_parameters (the twin's, in order).
inline nlohmann::json forecaster_twin(const std::string& name) {
  const std::string path = std::string(KILN_FIXTURES_DIR) + "/models/" + name + ".safetensors";
  return nlohmann::json::parse(load_safetensors(path).metadata.at("twin"));
}

struct ForecasterFixture {
  models::ForecastShape shape;
  nlohmann::json config;  // the model's Config as the twin was built
};

inline ForecasterFixture forecaster_fixture(const std::string& name) {
  const nlohmann::json twin = forecaster_twin(name);
  return {twin.at("shape").get<models::ForecastShape>(), twin.at("config")};
}

inline std::set<std::string> keys_of(const nn::StateDict& state) {
  std::set<std::string> keys;
  for (const auto& [name, value] : state) keys.insert(name);
  return keys;
}

// named_parameters() in order.
inline std::vector<std::string> parameter_names(const nn::Module& module) {
  std::vector<std::string> names;
  for (const auto& [name, value] : module.named_parameters()) names.push_back(name);
  return names;
}

struct ForecastTolerances {
  double rtol, atol;  // forecast and loss
  double grad_rtol;
  // A gradient element's absolute tolerance: this fraction of its gradient's largest element,
  // or grad_atol_floor where that is larger (a gradient that vanishes in exact arithmetic holds
  // only rounding noise on both sides).
  double grad_atol_of_largest;
  double grad_atol_floor = 0;
};

// iTransformer and S-Mamba (the inverted skeleton), float32 through two encoder layers and the
// normalisation: forecasts and losses to 1e-5 relative (they agree to 1e-6); gradients (sums over
// the batch, tokens and horizon, off by a few 1e-6 relative) to 1e-5 relative, elements near zero
// within 1e-5 of the gradient's largest or 1e-6, whichever is larger: attention's
// key_projection.bias has no gradient in exact arithmetic (it shifts every score of a query alike,
// which softmax ignores), so both sides hold rounding noise of order 1e-8 there.
inline constexpr ForecastTolerances kInvertedForecasterTolerances{.rtol = 1e-5,
                                                                  .atol = 1e-5,
                                                                  .grad_rtol = 1e-5,
                                                                  .grad_atol_of_largest = 1e-5,
                                                                  .grad_atol_floor = 1e-6};

// The fixture's names for one pass; an empty x_mark runs without calendar features.
struct TwinPassKeys {
  std::string x_mark = "x_mark";
  std::string target = "target";
  std::string output = "output", loss = "loss", grads = "grad.";
};

// In the model's current mode: the forecast of x against `output`, its MSE against `target`
// against `loss`, and every parameter's gradient against `grads` + name (a parameter the
// fixture has no gradient for must get none).
inline void expect_training_pass_matches(models::Forecaster& model, const Golden& golden,
                                         const ForecastTolerances& t,
                                         const TwinPassKeys& keys = {}) {
  const Tensor x_mark = keys.x_mark.empty() ? Tensor() : golden[keys.x_mark];
  const Tensor forecast = model.forward(golden["x"], x_mark);
  golden.expect_close(forecast, keys.output, t.rtol, t.atol);
  const Tensor loss = nn::mse_loss(forecast, golden[keys.target]);
  golden.expect_close(loss, keys.loss, t.rtol, t.atol);
  loss.backward();
  for (const auto& [name, param] : model.named_parameters()) {
    const std::string key = keys.grads + name;
    if (!golden.has(key)) {
      EXPECT_FALSE(param.grad().defined()) << name << " has a gradient; the twin's has none";
      continue;
    }
    const double largest = golden[key].abs().amax().item<double>();
    golden.expect_close(param.grad(), key, t.grad_rtol,
                        std::max(t.grad_atol_of_largest * largest, t.grad_atol_floor));
  }
}

// `kind` built as the fixture's twin (with `overrides` on its config), holding its weights.
inline std::shared_ptr<models::Forecaster> twin_forecaster(
    const std::string& kind, const Golden& golden, const std::string& name,
    const nlohmann::json& overrides = nlohmann::json::object()) {
  const ForecasterFixture fixture = forecaster_fixture(name);
  nlohmann::json config = fixture.config;
  config.update(overrides);
  auto model = models::make_forecaster(kind, fixture.shape, config);
  model->load_state_dict(golden.with_prefix("param."));
  return model;
}

// The fixture's training pass (with x_mark, or without: the keys with the suffix _no_mark),
// then the same forecast in eval mode (the twins' dropout is 0).
inline void expect_matches_twin(const std::string& kind, const std::string& name, bool with_mark,
                                const ForecastTolerances& t) {
  const Golden golden(name, "models");
  const auto model = twin_forecaster(kind, golden, name);
  const std::string suffix = with_mark ? "" : "_no_mark";
  expect_training_pass_matches(*model, golden, t,
                               {.x_mark = with_mark ? "x_mark" : "",
                                .output = "output" + suffix,
                                .loss = "loss" + suffix,
                                .grads = with_mark ? "grad." : "grad_no_mark."});
  model->eval();
  NoGradGuard no_grad;
  const Tensor x_mark = with_mark ? golden["x_mark"] : Tensor{};
  golden.expect_close(model->forward(golden["x"], x_mark), "output" + suffix, t.rtol, t.atol);
}

// With the series normalisation off (use_norm false), the twin's weights give output_no_norm.
inline void expect_matches_twin_without_normalisation(const std::string& kind,
                                                      const std::string& name,
                                                      const ForecastTolerances& t) {
  const Golden golden(name, "models");
  const auto model = twin_forecaster(kind, golden, name, {{"use_norm", false}});
  NoGradGuard no_grad;
  golden.expect_close(model->forward(golden["x"], golden["x_mark"]), "output_no_norm", t.rtol,
                      t.atol);
}

// The model's state dict has exactly the twin's names; returns them.
inline std::set<std::string> expect_twin_names(const std::string& kind, const std::string& name) {
  const Golden golden(name, "models");
  const auto model = twin_forecaster(kind, golden, name);
  const std::set<std::string> names = keys_of(model->state_dict());
  EXPECT_EQ(names, keys_of(golden.with_prefix("param.")));
  return names;
}

}  // namespace kiln::testing
