#pragma once

// The test MSE the papers publish for the cells kiln reproduces, in each paper's own
// settings (look-back, hyperparameters, drop_last mode), on the standardised scale.
#include <cstdint>
#include <optional>
#include <string>

namespace kiln::models {

struct PublishedResult {
  double mse;
  const char* source;  // the paper and table
};

// The published figure for `kind` ("patchtst", ...) on `dataset` ("ETTh1") at `horizon`,
// or nothing where the tables have none.
std::optional<PublishedResult> published_result(const std::string& kind, const std::string& dataset,
                                                int64_t horizon);

// A cell is reproduced when kiln's MSE is at most 2% above the published one.
inline constexpr double kReproducedTolerance = 0.02;

}  // namespace kiln::models
