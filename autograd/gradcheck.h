#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tensor/tensor.h"

// Numerical verification of gradients, for kiln's ops and for users' own functions.
namespace kiln {

struct GradcheckOptions {
  // Central-difference step, and the test |analytic - numerical| <= atol + rtol |numerical|.
  double eps = 1e-6;
  double atol = 1e-5;
  double rtol = 1e-3;
  // Above this many Jacobian entries (outputs x inputs), random projections u^T J v are
  // compared instead of the full Jacobian.
  int64_t max_jacobian_entries = 1 << 14;
  int projections = 6;
  uint64_t seed = 0x6b696c6e;
};

struct GradcheckResult {
  bool passed = true;
  // Why the check failed, with the worst element's analytic and numerical values.
  std::string message;
  // The largest |analytic - numerical| over everything compared.
  double worst_error = 0;
  explicit operator bool() const { return passed; }
};

using DifferentiableFunction = std::function<Tensor(const std::vector<Tensor>&)>;

// Compares the Jacobian of f that backward computes with central differences, with respect
// to the inputs that require grad (float64, on the CPU; the others are held fixed). Also
// checks what hand-written backward passes get wrong: the gradient's dtype and shape match
// the input's; a second backward gives the same answer bit for bit; backward adds into an
// existing grad() rather than overwriting it; no element of a gradient is left unwritten
// (new allocations are filled with NaN while the backward pass runs).
GradcheckResult gradcheck(const DifferentiableFunction& f, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options = {});

// gradcheck of the map (inputs, v) -> the gradients of f with respect to its inputs for
// output gradient v, computed with create_graph: verifies the backward pass's own gradients.
GradcheckResult gradgradcheck(const DifferentiableFunction& f, const std::vector<Tensor>& inputs,
                              const GradcheckOptions& options = {});

}  // namespace kiln
