#pragma once

// What a program can ask about CUDA whether or not kiln was built with it: without the
// backend these report no devices, so callers need no build-time switch of their own.
namespace kiln::cuda {

// True when kiln has a CUDA backend and the driver reports at least one GPU. Never
// throws: a machine with the toolkit but no GPU or driver simply has none.
bool is_available();
// The number of GPUs the driver reports; 0 without a GPU, a driver, or the backend.
int device_count();

}  // namespace kiln::cuda
