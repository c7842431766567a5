#pragma once

// What a program can ask about CUDA whether or not kiln was built with it: without the
// backend these report no devices, so callers need no build-time switch of their own.
#include <string>

namespace kiln::cuda {

// True when kiln has a CUDA backend and the driver reports at least one GPU. Never
// throws: a machine with the toolkit but no GPU or driver simply has none.
bool is_available();
// The number of GPUs the driver reports; 0 without a GPU, a driver, or the backend. In the
// emulated build (KILN_CUDA=EMULATED) the emulator's virtual devices count.
int device_count();
// One line about device `index`: its name, compute capability and memory.
std::string device_description(int index);
// The device this thread's own CUDA calls go to. kiln's ops run on their tensors' device
// whatever this is, and leave it as they found it. set_device throws kiln::Error for a
// device that does not exist (any device, without the backend).
int current_device();
void set_device(int index);

}  // namespace kiln::cuda
