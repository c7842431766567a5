#pragma once

#include <span>
#include <string>

#include "autograd/registry/op_registry.h"

// Runs a registry entry's checks over all its samples: what the generated test suites
// assert and what `kiln verify` tabulates. Every check is a mode over the same entries, as
// ggml's test-backend-ops runs its modes over one list of ops.
namespace kiln::autograd {

enum class OpCheck {
  Forward,        // the float32 result on the device against the float64 one on the CPU
  Gradcheck,      // first derivatives on the device against central differences, float64
  Gradgradcheck,  // second derivatives likewise
  Parity,         // forward and input gradients on the device against the CPU's, float64
  BadInputs,      // every bad-input row throws kiln::Error with its message
};

struct CheckOutcome {
  bool ran = false;
  bool passed = true;
  double worst_error = 0;
  // Samples or bad-input rows checked.
  int cases = 0;
  // The first failure, naming the sample.
  std::string message;
};

struct OpReport {
  std::string name;
  int samples = 0;
  // Empty when the entry supports the device; otherwise why nothing ran.
  std::string unsupported;
  CheckOutcome forward;
  CheckOutcome gradcheck;
  CheckOutcome gradgradcheck;
  CheckOutcome parity;
  CheckOutcome bad_inputs;
  const CheckOutcome& outcome(OpCheck check) const;
  bool passed() const;
};

constexpr OpCheck kAllOpChecks[] = {OpCheck::Forward, OpCheck::Gradcheck, OpCheck::Gradgradcheck,
                                    OpCheck::Parity, OpCheck::BadInputs};

struct Tolerance {
  double atol;
  double rtol;
};

// "" when `sample` run on `device` in `dtype` (floating inputs converted) matches the CPU:
// the forward result within `forward`, and, for a random output gradient drawn from
// `grad_generator`, every input's gradient within `gradient`; otherwise the first mismatch.
// `worst`, if given, grows to the largest absolute difference seen.
std::string compare_with_cpu(const OpSample& sample, DType dtype, Device device, Tolerance forward,
                             Tolerance gradient, Generator& grad_generator,
                             double* worst = nullptr);

// Samples are drawn from a generator seeded by the entry's name, so a report does not
// depend on which other entries ran. Parity runs only off the CPU; bad inputs, which build
// their own tensors, only on it.
OpReport verify_op(const OpEntry& entry, std::span<const OpCheck> checks = kAllOpChecks,
                   Device device = kCPU);

}  // namespace kiln::autograd
