#pragma once

#include <span>
#include <string>

#include "autograd/registry/op_registry.h"

// Runs a registry entry's checks over all its samples: what the generated test suites
// assert and what the verify program tabulates.
namespace kiln::autograd {

enum class OpCheck { Forward, Gradcheck, Gradgradcheck };

struct CheckOutcome {
  bool ran = false;
  bool passed = true;
  double worst_error = 0;
  // The first failure, naming the sample.
  std::string message;
};

struct OpReport {
  std::string name;
  int samples = 0;
  // Empty when the entry supports the device; otherwise why nothing ran.
  std::string unsupported;
  CheckOutcome forward;        // float32 result against the float64 one
  CheckOutcome gradcheck;      // first derivatives against central differences
  CheckOutcome gradgradcheck;  // second derivatives likewise
  bool passed() const { return forward.passed && gradcheck.passed && gradgradcheck.passed; }
};

constexpr OpCheck kAllOpChecks[] = {OpCheck::Forward, OpCheck::Gradcheck, OpCheck::Gradgradcheck};

// Samples are drawn from a generator seeded by the entry's name, so a report does not
// depend on which other entries ran.
OpReport verify_op(const OpEntry& entry, std::span<const OpCheck> checks = kAllOpChecks,
                   Device device = kCPU);

}  // namespace kiln::autograd
