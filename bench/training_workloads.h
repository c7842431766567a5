#pragma once

// The training-step workloads W2 (a small pre-LN Transformer encoder), W3 (an LSTM) and W6
// (the TSP attention model) of WORKLOADS.md, built once per benchmark: zero grads, forward,
// loss, backward, optimizer step. WORKLOADS.md fixes the batch on the CPU (32; 512 TSP
// instances); the CUDA benchmarks scale it up.
#include <cstdint>
#include <functional>

#include "tensor/device.h"

namespace kiln::bench {

// A callable that runs one training step; data, model and optimizer live inside it.
std::function<void()> w2_transformer_step(int64_t batch, Device device);
std::function<void()> w3_lstm_step(int64_t batch, Device device);
// W5: one PatchTST training step (Nie et al. 2023's ETTh1 model: 42 patches of 16, 3 layers of
// width 16) on `batch` windows of 336 steps of 7 channels, forecasting 96; MSE, Adam(1e-4).
std::function<void()> w5_patchtst_step(int64_t batch, Device device);
// W6: one REINFORCE step of the attention model (Kool et al. 2019) on `batch` fixed instances
// of 20 nodes: greedy tours, the exponential baseline, Adam.
std::function<void()> w6_tsp_step(int64_t batch, Device device);

}  // namespace kiln::bench
