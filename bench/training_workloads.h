#pragma once

// The training-step workloads W2 (a small pre-LN Transformer encoder) and W3 (an LSTM) of
// WORKLOADS.md, built once per benchmark: zero grads, forward, loss, backward, optimizer
// step. WORKLOADS.md fixes the batch at 32 on the CPU; the CUDA benchmarks scale it up.
#include <cstdint>
#include <functional>

#include "tensor/device.h"

namespace kiln::bench {

// A callable that runs one training step; data, model and optimizer live inside it.
std::function<void()> w2_transformer_step(int64_t batch, Device device);
std::function<void()> w3_lstm_step(int64_t batch, Device device);

}  // namespace kiln::bench
