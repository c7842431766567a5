#pragma once

#include "nn/containers.h"

namespace kiln::nn {

// Zeroes elements with probability p in training mode (scaling the rest by 1 / (1 - p)).
// With monte_carlo it stays active in eval mode too, so repeated predictions sample the
// model's uncertainty (Gal & Ghahramani 2016).
class Dropout : public UnaryModule {
 public:
  explicit Dropout(double p = 0.5, bool monte_carlo = false);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  void set_monte_carlo(bool on) { monte_carlo_ = on; }
  bool monte_carlo() const { return monte_carlo_; }

 private:
  double p_;
  bool monte_carlo_;
};

}  // namespace kiln::nn
