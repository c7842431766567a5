#pragma once

// What the forecasters' tests share: the check against a PyTorch twin's fixture
// (tests/fixtures/models/<name>.safetensors, written by bench/pytorch/*_fixtures.py: the
// twin's weights by name (param.*), a batch x, x_mark and target, and per case the forecast,
// the MSE loss and every parameter's gradient), and bad configs' errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "autograd/grad_mode.h"
#include "golden.h"
#include "models/forecast/forecasters.h"
#include "nn/loss.h"
#include "tensor/io/safetensors.h"
#include "tensor/testing.h"

namespace kiln::testing {

// float32 through two encoder layers and the normalisation: forecasts and losses to 1e-5
// relative (they agree to 1e-6); gradients (sums over the batch, tokens and horizon, off by a
// few 1e-6 relative) to 1e-5 relative, elements near zero within 1e-5 of the gradient's
// largest or 1e-6, whichever is larger: attention's key_projection.bias has no gradient in
// exact arithmetic (it shifts every score of a query alike, which softmax ignores), so both
// sides hold rounding noise of order 1e-8 there.
constexpr double kForecastRtol = 1e-5, kForecastAtol = 1e-5;
constexpr double kGradRtol = 1e-5, kGradAtolOfLargest = 1e-5, kGradAtolFloor = 1e-6;

inline void expect_error_contains(const std::function<void()>& call, const std::string& message) {
  const std::string error = error_of(call);
  EXPECT_NE(error.find(message), std::string::npos) << error;
}

struct ForecasterFixture {
  models::ForecastShape shape;
  nlohmann::json config;  // the model's Config as the twin was built
};

inline ForecasterFixture forecaster_fixture(const std::string& name) {
  const std::string path = std::string(KILN_FIXTURES_DIR) + "/models/" + name + ".safetensors";
  const nlohmann::json twin = nlohmann::json::parse(load_safetensors(path).metadata.at("twin"));
  return {twin.at("shape").get<models::ForecastShape>(), twin.at("config")};
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

// The forecast of x (with x_mark or without), its MSE loss against the target and every
// parameter's gradient, against the fixture's `output`, `loss` and `grad.*` (with the
// suffix `_no_mark` without x_mark); then the same forecast in eval mode (dropout is 0).
inline void expect_matches_twin(const std::string& kind, const std::string& name, bool with_mark) {
  const Golden golden(name, "models");
  const auto model = twin_forecaster(kind, golden, name);
  const std::string suffix = with_mark ? "" : "_no_mark";
  const Tensor x_mark = with_mark ? golden["x_mark"] : Tensor{};
  const Tensor forecast = model->forward(golden["x"], x_mark);
  golden.expect_close(forecast, "output" + suffix, kForecastRtol, kForecastAtol);
  const Tensor loss = nn::mse_loss(forecast, golden["target"]);
  golden.expect_close(loss, "loss" + suffix, kForecastRtol, kForecastAtol);
  loss.backward();
  const std::string grads = with_mark ? "grad." : "grad_no_mark.";
  for (const auto& [param_name, param] : model->named_parameters()) {
    const double largest = golden[grads + param_name].abs().amax().item<double>();
    golden.expect_close(param.grad(), grads + param_name, kGradRtol,
                        std::max(kGradAtolOfLargest * largest, kGradAtolFloor));
  }
  model->eval();
  NoGradGuard no_grad;
  golden.expect_close(model->forward(golden["x"], x_mark), "output" + suffix, kForecastRtol,
                      kForecastAtol);
}

// With the series normalisation off, the twin's weights give its output_no_norm.
inline void expect_matches_twin_without_normalisation(const std::string& kind,
                                                      const std::string& name) {
  const Golden golden(name, "models");
  const auto model = twin_forecaster(kind, golden, name, {{"use_norm", false}});
  NoGradGuard no_grad;
  golden.expect_close(model->forward(golden["x"], golden["x_mark"]), "output_no_norm",
                      kForecastRtol, kForecastAtol);
}

// The model's state dict has exactly the twin's names.
inline std::set<std::string> expect_twin_names(const std::string& kind, const std::string& name) {
  const Golden golden(name, "models");
  const auto model = twin_forecaster(kind, golden, name);
  std::set<std::string> names, twin_names;
  for (const auto& [key, value] : model->state_dict()) names.insert(key);
  for (const auto& [key, value] : golden.with_prefix("param.")) twin_names.insert(key);
  EXPECT_EQ(names, twin_names);
  return names;
}

}  // namespace kiln::testing
