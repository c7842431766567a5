#pragma once

#include <string>
#include <vector>

#include "autograd/registry/op_registry.h"

// The registry's perf mode (`kiln bench`): each entry's benchmark samples timed on a device
// and dtype, with the FLOPs and bytes of its cost model, beside the machine's ceilings
// measured in the same process.
namespace kiln::autograd {

struct BenchOptions {
  int warmup = 1;          // untimed calls first
  int repetitions = 5;     // timed rounds; the median round is reported
  double min_time = 0.05;  // seconds each round runs at least (calls repeat until then)
};

struct MachineCeilings {
  double fma_gflops = 0;              // float32 fused multiply-adds on every thread (0 off the CPU)
  double copy_gbytes_per_second = 0;  // a large copy on the device, bytes read + written
};

// Measured now on `device`.
MachineCeilings measure_ceilings(Device device, const BenchOptions& options = {});

struct SampleTiming {
  std::string label;
  double seconds = 0;  // median time per call
  OpCost cost;
};

struct OpBenchmark {
  std::string name;
  // Empty when the entry supports the dtype and device; otherwise why nothing ran.
  std::string unsupported;
  // The entry has no benchmark samples (its cost does not grow with size): its check
  // samples were timed.
  bool check_size = false;
  std::vector<SampleTiming> samples;
};

// Times every benchmark sample of `entry` (inputs converted to `dtype` and moved to
// `device`, no autograd), synchronizing the device around each round.
OpBenchmark bench_op(const OpEntry& entry, Device device, DType dtype, BenchSize size,
                     const BenchOptions& options = {});

}  // namespace kiln::autograd
