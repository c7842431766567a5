#include "nn/dropout.h"

#include "nn/functional.h"

namespace kiln::nn {

Dropout::Dropout(double p, bool monte_carlo)
    : UnaryModule("Dropout"), p_(p), monte_carlo_(monte_carlo) {
  KILN_CHECK(p >= 0 && p <= 1, "Dropout: p must be in [0, 1], got ", p);
}

Tensor Dropout::forward(const Tensor& input) {
  return functional::dropout(input, p_, is_training() || monte_carlo_);
}

std::string Dropout::extra_repr() const {
  return "p=" + std::to_string(p_) + (monte_carlo_ ? ", monte_carlo=true" : "");
}

}  // namespace kiln::nn
