#pragma once

// What the training commands check so that a diverging run stops with a clear message and
// never costs more than the work since its last checkpoint: the loss of every step, and the
// weights before each checkpoint is written.
#include <cstdint>
#include <string>

#include "nn/module.h"

namespace kiln::tools {

// The help of --detect-anomaly, which every training command takes (autograd/anomaly_mode.h).
inline constexpr const char* kDetectAnomalyHelp =
    "Check every op's output and gradient for NaN or Inf and stop at the first, naming the op "
    "and the module that called it (slow: for finding where a loss went NaN)";

// Throws when a step's loss is NaN or infinite, naming the step and epoch (both counted from
// 1) and --detect-anomaly. Called before the optimizer step, so no weights have changed.
void check_loss_finite(double loss, int64_t step, int64_t epoch);

// Throws, naming the first parameter or buffer that holds NaN or Inf, before `file` is written
// with the weights after `step`: non-finite weights never replace the last good checkpoint.
void check_weights_finite(const nn::Module& model, int64_t step, const std::string& file);

}  // namespace kiln::tools
